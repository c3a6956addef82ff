import type { EmulatorApp } from "./ledger.js";

/**
 * The app every emulator registers unless told otherwise. Its credentials are public test
 * values, printed by the emulator on purpose: never a real app's.
 */
export const DEMO_APP: EmulatorApp = {
  clientKey: "aw_demo_client_key",
  clientSecret: "demo_secret_for_local_testing_only",
  redirectDomains: ["127.0.0.1", "localhost"],
  name: "Demo app",
};
