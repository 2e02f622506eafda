export { type BlokEnvironment, type ChildResolverOptions, CONTAINER_KEYS, createChildResolver, createEnvironment, type EnvironmentOptions, type RuntimePlugin } from "./createEnvironment.js";
export { createHostChildResolver, ForeignNodeError, type HostChildResolverOptions, type HostNodeSource } from "./createHostChildResolver.js";
export { type PythonPluginOptions, type PythonRuntimePlugin, pythonPlugin } from "./pythonPlugin.js";
export { type DefaultRuntimeOptions, defaultRuntimePlugins, pythonAvailable } from "./defaultRuntimePlugins.js";
export { type WorkerPluginOptions, workerPlugin } from "./workerPlugin.js";
