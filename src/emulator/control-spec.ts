// The one place hand-written code takes the control API's types from (generated from
// openapi/emulator-control.yaml): a rename in that spec breaks exactly this file's imports. Apart
// from src/spec.ts so that only the emulator's build carries them.
export type {
  components as ControlComponents,
  paths as ControlPaths,
} from "../generated/emulator-control.js";
