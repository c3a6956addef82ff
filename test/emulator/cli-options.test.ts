// The emulator bin's command line, parsed in-process (src/emulator/cli-options.ts): every flag in
// both spellings, the environment, --config files, and each mistake's one-line reason, which
// never repeats a secret. cli.test.ts runs the built bin itself (exit statuses, what it prints).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  configApps,
  emulatorOptions,
  parseCli,
  UsageError,
  type CliOptions,
} from "../../src/emulator/cli-options.js";

const dir = mkdtempSync(join(tmpdir(), "douyin-cli-options-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const configFile = (name: string, content: string) => {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
};

const DEFAULTS: CliOptions = {
  help: false,
  version: false,
  host: "127.0.0.1",
  port: 8787,
  apps: [],
  config: undefined,
  state: undefined,
  controlToken: undefined,
  stringNumbers: false,
};

/** The UsageError's message, checked to hold no secret. */
function refusal(run: () => unknown): string {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(UsageError);
  const { message, name } = caught as UsageError;
  expect(name).toBe("UsageError");
  expect(message).not.toContain("TOPSECRET");
  return message;
}
async function asyncRefusal(run: () => Promise<unknown>): Promise<string> {
  const caught = await run().then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(caught).toBeInstanceOf(UsageError);
  expect((caught as Error).message).not.toContain("TOPSECRET");
  return (caught as Error).message;
}

describe("parseCli › what each option sets", () => {
  it("nothing given: loopback, port 8787, no apps, no state, no token, numbers as numbers", () => {
    expect(parseCli([], {})).toEqual(DEFAULTS);
  });

  it("every valued option, as `--flag value` and as `--flag=value`", () => {
    const spaced = parseCli(
      [
        "--host",
        "::1",
        "--port",
        "0",
        "--config",
        "apps.json",
        "--state",
        "state.json",
        "--control-token",
        "12345678",
        "--string-numbers",
      ],
      {},
    );
    expect(spaced).toEqual({
      ...DEFAULTS,
      host: "::1",
      port: 0,
      config: "apps.json",
      state: "state.json",
      controlToken: "12345678",
      stringNumbers: true,
    });
    const joined = parseCli(
      [
        "--host=localhost",
        "--port=65535",
        "--config=a=b.json",
        "--state=s.json",
        "--control-token=abcdefgh",
      ],
      {},
    );
    expect(joined).toEqual({
      ...DEFAULTS,
      host: "localhost",
      port: 65535,
      config: "a=b.json",
      state: "s.json",
      controlToken: "abcdefgh",
    });
  });

  it("-h and --help ask for the usage, wherever they stand", () => {
    expect(parseCli(["-h"], {}).help).toBe(true);
    expect(parseCli(["--port", "1", "--help"], {})).toEqual({ ...DEFAULTS, port: 1, help: true });
    expect(parseCli(["-v"], {})).toEqual({ ...DEFAULTS, version: true });
    expect(parseCli(["--version"], {})).toEqual({ ...DEFAULTS, version: true });
    expect(parseCli(["--string-numbers"], {}).help).toBe(false);
  });

  it("a value may start with a single dash; only `--` starts the next option", () => {
    expect(parseCli(["--state", "-"], {}).state).toBe("-");
  });

  it("--app: key and secret, domains defaulting to 127.0.0.1 and localhost, numbered in order", () => {
    const { apps } = parseCli(
      ["--app", "first:s1", "--app=second:s2: One.Test , 127.0.0.1", "--app", "third:s3:[::1]"],
      {},
    );
    expect(apps).toEqual([
      {
        app: {
          clientKey: "first",
          clientSecret: "s1",
          redirectDomains: ["127.0.0.1", "localhost"],
          redirectUris: [],
        },
        from: "--app #1",
      },
      {
        app: {
          clientKey: "second",
          clientSecret: "s2",
          redirectDomains: ["one.test", "127.0.0.1"],
          redirectUris: [],
        },
        from: "--app #2",
      },
      {
        app: {
          clientKey: "third",
          clientSecret: "s3",
          redirectDomains: ["[::1]"],
          redirectUris: [],
        },
        from: "--app #3",
      },
    ]);
  });

  it("--app: an item with :// is a redirect URI registered exactly; domains then default to none (issue 23)", () => {
    const { apps } = parseCli(
      [
        "--app",
        "exact:s1:https://App.Example/auth/callback,http://127.0.0.1:3000/cb",
        "--app",
        "both:s2:localhost,https://app.example/cb",
      ],
      {},
    );
    expect(apps.map(({ app }) => app)).toEqual([
      {
        clientKey: "exact",
        clientSecret: "s1",
        redirectDomains: [],
        redirectUris: ["https://app.example/auth/callback", "http://127.0.0.1:3000/cb"],
      },
      {
        clientKey: "both",
        clientSecret: "s2",
        redirectDomains: ["localhost"],
        redirectUris: ["https://app.example/cb"],
      },
    ]);
  });

  it("the environment: the control token, and an app registered after the --app ones", () => {
    const options = parseCli(["--app", "flag:s"], {
      DOUYIN_EMULATOR_CONTROL_TOKEN: "from-the-env",
      DOUYIN_CLIENT_KEY: "envkey",
      DOUYIN_CLIENT_SECRET: "envsecret",
    });
    expect(options.controlToken).toBe("from-the-env");
    expect(options.apps).toEqual([
      {
        app: {
          clientKey: "flag",
          clientSecret: "s",
          redirectDomains: ["127.0.0.1", "localhost"],
          redirectUris: [],
        },
        from: "--app #1",
      },
      {
        app: {
          clientKey: "envkey",
          clientSecret: "envsecret",
          redirectDomains: ["127.0.0.1", "localhost"],
          redirectUris: [],
        },
        from: "the environment",
      },
    ]);
    // --control-token wins over the environment; empty variables count as unset
    expect(
      parseCli(["--control-token", "from-the-flag"], {
        DOUYIN_EMULATOR_CONTROL_TOKEN: "from-the-env",
      }).controlToken,
    ).toBe("from-the-flag");
    expect(
      parseCli([], {
        DOUYIN_EMULATOR_CONTROL_TOKEN: "",
        DOUYIN_CLIENT_KEY: "",
        DOUYIN_CLIENT_SECRET: "",
      }),
    ).toEqual(DEFAULTS);
  });

  it("DOUYIN_CLIENT_SECRET is taken whole, colons and all: the environment has no domain part", () => {
    const { apps } = parseCli([], { DOUYIN_CLIENT_KEY: "k", DOUYIN_CLIENT_SECRET: "a:b:c" });
    expect(apps).toEqual([
      {
        app: {
          clientKey: "k",
          clientSecret: "a:b:c",
          redirectDomains: ["127.0.0.1", "localhost"],
          redirectUris: [],
        },
        from: "the environment",
      },
    ]);
  });

  it("--host beyond loopback is allowed once the control API has a token", () => {
    expect(parseCli(["--host", "0.0.0.0", "--control-token", "12345678"], {}).host).toBe("0.0.0.0");
    expect(
      parseCli(["--host", "192.0.2.1"], { DOUYIN_EMULATOR_CONTROL_TOKEN: "12345678" }).host,
    ).toBe("192.0.2.1");
    for (const host of ["127.0.0.2", "[::1]", "LOCALHOST", "::ffff:127.0.0.1"]) {
      expect(parseCli(["--host", host], {}).host).toBe(host);
    }
  });
});

describe("parseCli › each mistake, one line naming it", () => {
  const cases: Array<[string, string[], NodeJS.ProcessEnv, string]> = [
    ["an unknown flag", ["--bogus"], {}, "unknown option --bogus"],
    ["an unknown short flag", ["-x"], {}, "unknown option -x"],
    ["an unknown flag with a value", ["--bogus=1"], {}, "unknown option --bogus"],
    ["a flag that might be a secret", ["--TOPSECRET_value"], {}, "unknown option an option"],
    ["a value pasted as a flag", ["-TOPSECRET.1"], {}, "unknown option an option"],
    ["a flag whose tail looks like one", ["-9-TOPSECRET"], {}, "unknown option an option"],
    ["a short flag with a value", ["-x=TOPSECRET"], {}, "unknown option an option"],
    [
      "a positional argument",
      ["TOPSECRET"],
      {},
      "unexpected argument (every option starts with --)",
    ],
    [
      "--port that is not a number",
      ["--port", "http"],
      {},
      "--port needs a number from 0 to 65535",
    ],
    ["--port negative", ["--port=-1"], {}, "--port needs a number from 0 to 65535"],
    ["--port with a sign", ["--port=+80"], {}, "--port needs a number from 0 to 65535"],
    ["--port just out of range", ["--port=65536"], {}, "--port needs a number from 0 to 65535"],
    ["--port of six digits", ["--port=000080"], {}, "--port needs a number from 0 to 65535"],
    ["--port as a decimal", ["--port", "80.5"], {}, "--port needs a number from 0 to 65535"],
    ["--port without a value", ["--port"], {}, "--port needs a value"],
    ["--port with an empty value", ["--port="], {}, "--port needs a value"],
    ["--port followed by a flag", ["--port", "--string-numbers"], {}, "--port needs a value"],
    ["--port twice", ["--port", "1", "--port", "2"], {}, "--port is given twice"],
    ["--host twice", ["--host=127.0.0.1", "--host", "::1"], {}, "--host is given twice"],
    ["--state twice", ["--state", "a", "--state", "b"], {}, "--state is given twice"],
    ["--config twice", ["--config", "a", "--config=b"], {}, "--config is given twice"],
    [
      "--control-token twice",
      ["--control-token", "TOPSECRET1", "--control-token", "TOPSECRET2"],
      {},
      "--control-token is given twice",
    ],
    ["a flag given a value", ["--string-numbers=yes"], {}, "--string-numbers takes no value"],
    ["--help given a value", ["--help=1"], {}, "--help takes no value"],
    ["--version given a value", ["--version=1"], {}, "--version takes no value"],
    [
      "--app without a secret",
      ["--app", "only_a_key"],
      {},
      "--app #1 needs <client_key>:<client_secret>[:<domain or URI>,...]",
    ],
    [
      "--app with an empty secret",
      ["--app", "key:"],
      {},
      "--app #1 needs <client_key>:<client_secret>[:<domain or URI>,...]",
    ],
    [
      "--app with an empty secret before its domains",
      ["--app", "key::127.0.0.1"],
      {},
      "--app #1 needs <client_key>:<client_secret>[:<domain or URI>,...]",
    ],
    [
      "--app without a key",
      ["--app", ":TOPSECRET"],
      {},
      "--app #1 needs <client_key>:<client_secret>[:<domain or URI>,...]",
    ],
    [
      "the second --app wrong",
      ["--app", "a:TOPSECRET", "--app", "b"],
      {},
      "--app #2 needs <client_key>:<client_secret>[:<domain or URI>,...]",
    ],
    [
      "--app with a redirect URI that has a query",
      ["--app", "k:TOPSECRET:https://app.example/cb?from=x"],
      {},
      `--app #1: redirectUris must list http:// or https:// URLs without query or fragment (e.g. "https://app.example/callback")`,
    ],
    [
      "--app with an empty domain list",
      ["--app", "k:TOPSECRET:"],
      {},
      `--app #1: redirectDomains must list host names (e.g. "127.0.0.1")`,
    ],
    [
      "--app with a space in its key",
      ["--app", "my key:TOPSECRET"],
      {},
      "--app #1: clientKey must be a non-empty string without spaces",
    ],
    [
      "--host beyond loopback without a control token",
      ["--host", "0.0.0.0"],
      {},
      "--host beyond loopback exposes the control API: give --control-token (or DOUYIN_EMULATOR_CONTROL_TOKEN)",
    ],
    [
      "a control token of seven characters",
      ["--control-token", "TOPSECR"],
      {},
      "--control-token needs at least 8 characters",
    ],
    [
      "a short control token from the environment",
      [],
      { DOUYIN_EMULATOR_CONTROL_TOKEN: "TOPSECR" },
      "--control-token needs at least 8 characters",
    ],
    [
      "DOUYIN_CLIENT_KEY without DOUYIN_CLIENT_SECRET",
      [],
      { DOUYIN_CLIENT_KEY: "k" },
      "DOUYIN_CLIENT_KEY and DOUYIN_CLIENT_SECRET go together: set both or neither",
    ],
    [
      "DOUYIN_CLIENT_SECRET without DOUYIN_CLIENT_KEY",
      [],
      { DOUYIN_CLIENT_SECRET: "TOPSECRET" },
      "DOUYIN_CLIENT_KEY and DOUYIN_CLIENT_SECRET go together: set both or neither",
    ],
    [
      "DOUYIN_CLIENT_KEY that is no key",
      [],
      { DOUYIN_CLIENT_KEY: "a key", DOUYIN_CLIENT_SECRET: "TOPSECRET" },
      "DOUYIN_CLIENT_KEY: clientKey must be a non-empty string without spaces",
    ],
  ];
  for (const [name, args, env, reason] of cases) {
    it(`${name}: "${reason}"`, () => {
      expect(refusal(() => parseCli(args, env))).toBe(reason);
    });
  }
});

describe("configApps › a --config file", () => {
  it("an app may leave out redirectDomains: 127.0.0.1 and localhost, as for --app (issue 24)", async () => {
    const file = configFile(
      "no-domains.json",
      JSON.stringify({
        apps: [
          { clientKey: "one", clientSecret: "s1" },
          { clientKey: "two", clientSecret: "s2", redirectUris: ["https://app.example/cb"] },
        ],
      }),
    );
    expect(await configApps(file)).toEqual([
      {
        clientKey: "one",
        clientSecret: "s1",
        redirectDomains: ["127.0.0.1", "localhost"],
        redirectUris: [],
      },
      {
        clientKey: "two",
        clientSecret: "s2",
        redirectDomains: [],
        redirectUris: ["https://app.example/cb"],
      },
    ]);
  });

  it("its apps, checked, with names and permissions", async () => {
    const file = configFile(
      "good.json",
      JSON.stringify({
        apps: [
          { clientKey: "one", clientSecret: "s1", redirectDomains: ["App.Example"] },
          {
            clientKey: "two",
            clientSecret: "s2",
            redirectDomains: ["127.0.0.1"],
            name: "Two",
            canRenew: false,
          },
        ],
      }),
    );
    expect(await configApps(file)).toEqual([
      { clientKey: "one", clientSecret: "s1", redirectDomains: ["app.example"], redirectUris: [] },
      {
        clientKey: "two",
        clientSecret: "s2",
        redirectDomains: ["127.0.0.1"],
        redirectUris: [],
        name: "Two",
        canRenew: false,
      },
    ]);
  });

  it("a missing file, not JSON, the wrong shape, a bad app: each named", async () => {
    const missing = join(dir, "missing.json");
    const cases: Array<[string, string]> = [
      [missing, `--config ${missing} cannot be read`],
      [dir, `--config ${dir} cannot be read`],
    ];
    const shaped: Array<[string, string, string]> = [
      ["not.json", "apps: [TOPSECRET]", "is not JSON"],
      ["array.json", "[]", `must hold an object: {"apps": [...]}`],
      ["null.json", "null", `must hold an object: {"apps": [...]}`],
      ["string.json", '"TOPSECRET"', `must hold an object: {"apps": [...]}`],
      ["extra.json", '{"apps": [], "port": 1}', `has an unknown field "port"; known: apps`],
      ["empty.json", "{}", `: "apps" must list at least one app`],
      ["none.json", '{"apps": []}', `: "apps" must list at least one app`],
      [
        "bad.json",
        JSON.stringify({
          apps: [
            { clientKey: "k", clientSecret: "TOPSECRET", redirectDomains: ["127.0.0.1"] },
            { clientKey: "k2" },
          ],
        }),
        `: "apps"[1].clientSecret is missing or empty`,
      ],
    ];
    for (const [name, content, reason] of shaped) {
      const file = configFile(name, content);
      cases.push([file, `--config ${file}${reason.startsWith(":") ? "" : " "}${reason}`]);
    }
    for (const [file, reason] of cases) {
      expect(await asyncRefusal(() => configApps(file))).toBe(reason);
    }
  });
});

describe("emulatorOptions › the emulator's options from the command line", () => {
  it("without apps, state or token: the emulator's own defaults stay in charge", async () => {
    // strictly: a key present as undefined would override the emulator's default
    expect(await emulatorOptions(DEFAULTS)).toStrictEqual({
      host: "127.0.0.1",
      port: 8787,
      stringNumbers: false,
    });
  });

  it("apps from --app, the environment and --config, in that order; state, token, numbers", async () => {
    const file = configFile(
      "apps.json",
      JSON.stringify({
        apps: [{ clientKey: "conf", clientSecret: "cs", redirectDomains: ["localhost"] }],
      }),
    );
    const cli = parseCli(
      [
        "--app",
        "flag:fs",
        "--config",
        file,
        "--state",
        "s.json",
        "--control-token",
        "12345678",
        "--string-numbers",
        "--port",
        "0",
      ],
      { DOUYIN_CLIENT_KEY: "env", DOUYIN_CLIENT_SECRET: "es" },
    );
    expect(await emulatorOptions(cli)).toEqual({
      host: "127.0.0.1",
      port: 0,
      apps: [
        {
          clientKey: "flag",
          clientSecret: "fs",
          redirectDomains: ["127.0.0.1", "localhost"],
          redirectUris: [],
        },
        {
          clientKey: "env",
          clientSecret: "es",
          redirectDomains: ["127.0.0.1", "localhost"],
          redirectUris: [],
        },
        { clientKey: "conf", clientSecret: "cs", redirectDomains: ["localhost"], redirectUris: [] },
      ],
      stateFile: "s.json",
      controlToken: "12345678",
      stringNumbers: true,
    });
  });

  it("a client_key registered twice names both places, never a secret", async () => {
    const file = configFile(
      "dupe.json",
      JSON.stringify({
        apps: [{ clientKey: "mine", clientSecret: "TOPSECRET3", redirectDomains: ["localhost"] }],
      }),
    );
    const byFlagAndEnv = parseCli(["--app", "mine:TOPSECRET"], {
      DOUYIN_CLIENT_KEY: "mine",
      DOUYIN_CLIENT_SECRET: "TOPSECRET2",
    });
    expect(await asyncRefusal(() => emulatorOptions(byFlagAndEnv))).toBe(
      "client_key mine is registered twice (--app #1 and the environment)",
    );
    const byFlags = parseCli(["--app", "other:x", "--app", "mine:TOPSECRET", "--app=mine:y"], {});
    expect(await asyncRefusal(() => emulatorOptions(byFlags))).toBe(
      "client_key mine is registered twice (--app #2 and --app #3)",
    );
    const byConfig = parseCli(["--app", "mine:TOPSECRET", "--config", file], {});
    expect(await asyncRefusal(() => emulatorOptions(byConfig))).toBe(
      "client_key mine is registered twice (--app #1 and --config)",
    );
  });
});
