/**
 * The CNN learners: TensorFlow.js networks for galaxy images, spectra and
 * both (early fusion). TensorFlow.js stays inside models/: callers use
 * this API and get plain arrays back.
 */
export { loadBackend, backendNames, type BackendName } from "./backend.js";
export { trainCnn, trainCnnClassifier, type CnnFitControl, type CnnClassTask } from "./train.js";
export { CnnThreadError, THREAD_CRASHED } from "./data-parallel.js";
export { CnnModel, CNN_FORMAT, type CnnSpec, type SavedCnn } from "./model.js";
export { cnnParameterTable, resolveCnnParams, CnnInputError, architectures, fusions, type Architecture, type Fusion, type CnnParams, type ParamProblem } from "./params.js";
