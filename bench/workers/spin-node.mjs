// Spins until its thread is terminated: measures how fast an abort really stops a busy node.
export function handle() {
  for (;;) {
    // a synchronous loop: only terminating the thread ends it
  }
}
