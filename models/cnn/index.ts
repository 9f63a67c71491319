/** The CNN learners: TensorFlow.js networks for images, spectra and both. */
export { loadBackend, backendNames, type BackendName } from "./backend.js";
