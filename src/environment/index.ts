export { type BlokEnvironment, CONTAINER_KEYS, createEnvironment, type EnvironmentOptions, type RuntimePlugin } from "./createEnvironment.js";
