// Bench node: answers with its label at once, so a run's time is the machinery's, not the node's.
export default class Noop {
  async handle(_ctx, inputs) {
    return { label: inputs.label };
  }
}
