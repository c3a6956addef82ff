// The spec against the contract: the seed's seven GET operations with exactly its parameters.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readSpec, root } from "../support/project.js";

interface Param {
  name: string;
  required: boolean;
  fixed?: string;
}
const r = (name: string, fixed?: string): Param =>
  fixed === undefined ? { name, required: true } : { name, required: true, fixed };
const o = (name: string): Param => ({ name, required: false });

// Wire names and fixed values of the seed (shared/seed/000_8d37f2fe0707d5d9.txt) as the facts
// sheet's table gives them; the paths in the platform's trailing-slash form.
const CONTRACT: Record<string, { path: string; params: Param[] }> = {
  accessToken: {
    path: "/oauth/access_token/",
    params: [r("client_key"), r("client_secret"), r("code"), r("grant_type", "authorization_code")],
  },
  authorize: {
    path: "/oauth/authorize/",
    params: [
      r("client_key"),
      r("response_type", "code"),
      r("scope"),
      r("redirect_uri"),
      o("state"),
    ],
  },
  authorizeV2: {
    path: "/oauth/authorize/v2/",
    params: [
      r("client_key"),
      r("response_type", "code"),
      r("scope", "login_id"),
      r("redirect_uri"),
      o("state"),
    ],
  },
  clientToken: {
    path: "/oauth/client_token/",
    params: [r("client_key"), r("client_secret"), r("grant_type", "client_credential")],
  },
  connect: {
    path: "/platform/oauth/connect/",
    params: [
      r("client_key"),
      r("response_type", "code"),
      r("scope"),
      r("redirect_uri"),
      o("optionalScope"),
      o("state"),
    ],
  },
  refreshToken: {
    path: "/oauth/refresh_token/",
    params: [r("client_key"), r("refresh_token"), r("grant_type", "refresh_token")],
  },
  renewRefreshToken: {
    path: "/oauth/renew_refresh_token/",
    params: [r("client_key"), r("refresh_token")],
  },
};

const spec = readSpec();

/** Follows a local `$ref` (`#/components/...`) to the object it names. */
function deref(node: any): any {
  if (node && typeof node.$ref === "string") {
    const target = node.$ref
      .replace(/^#\//, "")
      .split("/")
      .reduce((at: any, key: string) => at?.[key.replace(/~1/g, "/").replace(/~0/g, "~")], spec);
    return deref(target);
  }
  return node;
}

function operationsById(method = "get"): Map<string, { path: string; method: string; op: any }> {
  const found = new Map<string, { path: string; method: string; op: any }>();
  for (const [path, item] of Object.entries<any>(spec.paths)) {
    if (item[method]) found.set(item[method].operationId, { path, method, op: item[method] });
  }
  return found;
}

function paramsOf(op: any): Param[] {
  return (op.parameters ?? []).map((raw: any) => {
    const p = deref(raw);
    expect(p.in, `${p.name} is a query parameter`).toBe("query");
    const schema = deref(p.schema);
    const fixed = schema?.enum?.length === 1 ? schema.enum[0] : undefined;
    return fixed === undefined
      ? { name: p.name, required: p.required === true }
      : { name: p.name, required: p.required === true, fixed };
  });
}

describe("spec conformance with the seed", () => {
  const ops = operationsById();

  it("has exactly the seed's seven GET operations, at the platform's trailing-slash paths", () => {
    expect([...ops.keys()].sort()).toEqual(Object.keys(CONTRACT).sort());
    for (const [id, { path }] of Object.entries(CONTRACT)) {
      expect(ops.get(id)?.path, id).toBe(path);
    }
  });

  for (const [id, want] of Object.entries(CONTRACT)) {
    it(`${id} › exactly the seed's parameters, required flags and fixed values`, () => {
      const got = paramsOf(ops.get(id)!.op);
      const byName = (a: Param, b: Param) => a.name.localeCompare(b.name);
      expect(got.sort(byName)).toEqual([...want.params].sort(byName));
    });
  }

  it("every parameter keeps the seed's Chinese description and adds English", () => {
    for (const { op } of ops.values()) {
      for (const raw of op.parameters) {
        const p = deref(raw);
        expect(p.description, `${op.operationId}.${p.name}`).toMatch(/[\u4e00-\u9fff]/);
        expect(p.description, `${op.operationId}.${p.name}`).toMatch(/ \/\s+[A-Z`]/);
      }
    }
  });

  it("redirect_uri is an http(s) URL pattern; optionalScope's pair format is a pattern", () => {
    const redirect = deref(deref(spec.components.parameters.RedirectUri).schema);
    expect(new RegExp(redirect.pattern).test("https://app.example/cb")).toBe(true);
    expect(new RegExp(redirect.pattern).test("http://127.0.0.1:3000/cb")).toBe(true);
    expect(new RegExp(redirect.pattern).test("ftp://app.example/cb")).toBe(false);
    const connect = ops.get("connect")!.op;
    const optional = connect.parameters.find((p: any) => p.name === "optionalScope");
    const pattern = new RegExp(optional.schema.pattern);
    expect(pattern.test("mobile,1,video.list,0")).toBe(true);
    expect(pattern.test("mobile,2")).toBe(false);
    expect(pattern.test("mobile")).toBe(false);
  });

  it("token operations answer with named components: success or the one shared error shape", () => {
    for (const id of ["accessToken", "clientToken", "refreshToken", "renewRefreshToken"]) {
      const media = ops.get(id)!.op.responses["200"].content["application/json"];
      expect(media.schema.$ref).toBe(
        `#/components/schemas/${id[0]!.toUpperCase()}${id.slice(1)}Answer`,
      );
      const answer = deref(media.schema);
      expect(answer.anyOf.map((s: any) => s.$ref)).toEqual([
        `#/components/schemas/${id[0]!.toUpperCase()}${id.slice(1)}Success`,
        "#/components/schemas/ErrorAnswer",
      ]);
      const examples = Object.values<any>(media.examples).map((e) => deref(e).value);
      const codes = examples.map((e) => Number(e.data.error_code));
      expect(
        codes.filter((c) => c === 0),
        `${id} success example`,
      ).toHaveLength(1);
      expect(codes.filter((c) => c !== 0).length, `${id} error example`).toBeGreaterThan(0);
    }
  });

  it("fields sent as number or numeric string say so in the schema", () => {
    const numeric = "#/components/schemas/NumberOrNumericString";
    expect(deref({ $ref: numeric }).type).toEqual(["integer", "string"]);
    const s = spec.components.schemas;
    expect(s.ErrorData.properties.error_code.$ref).toBe(numeric);
    expect(s.Extra.properties.now.$ref).toBe(numeric);
    expect(s.SuccessCode.enum).toEqual([0, "0"]);
    for (const name of ["AccessTokenData", "RefreshTokenData"]) {
      expect(s[name].properties.expires_in.$ref).toBe(numeric);
      expect(s[name].properties.refresh_expires_in.$ref).toBe(numeric);
    }
    expect(s.ClientTokenData.properties.expires_in.$ref).toBe(numeric);
    expect(s.RenewRefreshTokenData.properties.expires_in.$ref).toBe(numeric);
  });

  it("lists every data field of the facts sheet", () => {
    const fields = (name: string) => Object.keys(spec.components.schemas[name].properties).sort();
    expect(fields("AccessTokenData")).toEqual(
      expect.arrayContaining(
        [
          "access_token",
          "expires_in",
          "open_id",
          "refresh_token",
          "refresh_expires_in",
          "scope",
          "unionid",
          "log_id",
          "captcha",
          "desc_url",
        ].sort(),
      ),
    );
    expect(fields("ClientTokenData")).toEqual(
      expect.arrayContaining(["access_token", "expires_in"]),
    );
    expect(fields("RefreshTokenData")).toEqual(
      expect.arrayContaining([
        "access_token",
        "expires_in",
        "open_id",
        "refresh_token",
        "refresh_expires_in",
        "scope",
      ]),
    );
    expect(fields("RenewRefreshTokenData")).toEqual(
      expect.arrayContaining(["refresh_token", "expires_in"]),
    );
    expect(Object.keys(spec.components.schemas.Extra.properties)).toEqual(["logid", "now"]);
  });

  it("authorization pages document the 302 Location, the callback query and the JSON error", () => {
    for (const id of ["connect", "authorize", "authorizeV2"]) {
      const op = ops.get(id)!.op;
      const redirect = deref(op.responses["302"]);
      expect(deref(redirect.headers.Location).required, id).toBe(true);
      const page = deref(op.responses["200"]);
      expect(page.content["application/json"].schema.$ref).toBe("#/components/schemas/ErrorAnswer");
      expect(page.content["text/html"]).toBeDefined();
      const callback = deref(op.callbacks.redirect)["{$request.query.redirect_uri}"].get;
      const query = deref(deref(callback.parameters[0]).schema);
      expect(Object.keys(query.properties)).toEqual(["code", "state", "scopes"]);
      expect(query.required).toEqual(["code"]);
    }
  });

  it("has servers for Douyin, Toutiao and Xigua, tags, and a license", () => {
    expect(spec.openapi).toMatch(/^3\.1\./);
    expect(spec.servers.map((s: any) => [s["x-platform"], s.url])).toEqual([
      ["douyin", "https://open.douyin.com"],
      ["toutiao", "https://open.snssdk.com"],
      ["xigua", "https://open-api.ixigua.com"],
    ]);
    expect(spec.tags.map((t: any) => t.name)).toEqual([
      "Tokens",
      "Authorization pages",
      "User information",
    ]);
    expect(spec.info.license.identifier).toBe("MIT");
  });
});

describe("the platform's POST forms (beyond the seed)", () => {
  const gets = operationsById("get");
  const posts = operationsById("post");
  const bodyParams = (op: any, media: string): Param[] => {
    const schema = deref(op.requestBody.content[media].schema);
    return Object.entries<any>(schema.properties).map(([name, property]) => {
      const required = schema.required.includes(name);
      return property.enum?.length === 1
        ? { name, required, fixed: property.enum[0] }
        : { name, required };
    });
  };
  const forms: Array<[string, string, string]> = [
    ["accessTokenByForm", "accessToken", "application/x-www-form-urlencoded"],
    ["refreshTokenByForm", "refreshToken", "application/x-www-form-urlencoded"],
    ["renewRefreshTokenByForm", "renewRefreshToken", "application/x-www-form-urlencoded"],
    ["clientTokenByJson", "clientToken", "application/json"],
  ];

  it("exist for the four token operations, stable_client_token and userinfo, nothing else", () => {
    expect([...posts.keys()].sort()).toEqual(
      [...forms.map(([id]) => id), "stableClientToken", "userInfo"].sort(),
    );
  });

  for (const [id, of, media] of forms) {
    it(`${id} › POST to ${of}'s path, the same parameters in a ${media} body, the same answers`, () => {
      const post = posts.get(id)!;
      expect(post.op["x-form-of"]).toBe(of);
      expect(post.path).toBe(gets.get(of)!.path);
      expect(Object.keys(post.op.requestBody.content)).toEqual([media]);
      const byName = (a: Param, b: Param) => a.name.localeCompare(b.name);
      expect(bodyParams(post.op, media).sort(byName)).toEqual(
        paramsOf(gets.get(of)!.op).sort(byName),
      );
      expect(post.op.responses["200"].content["application/json"].schema).toEqual(
        gets.get(of)!.op.responses["200"].content["application/json"].schema,
      );
    });
  }

  it("stableClientToken › POST /oauth/stable_client_token/ with clientToken's JSON body", () => {
    const stable = posts.get("stableClientToken")!;
    expect(stable.path).toBe("/oauth/stable_client_token/");
    expect(bodyParams(stable.op, "application/json")).toEqual(
      bodyParams(posts.get("clientTokenByJson")!.op, "application/json"),
    );
  });
});

describe("userInfo (beyond the seed: PLATFORM.md, User information)", () => {
  const op = operationsById("post").get("userInfo")!;

  it("POST /oauth/userinfo/: the token in the access-token header, open_id in a JSON body", () => {
    expect(op.path).toBe("/oauth/userinfo/");
    expect(op.op["x-form-of"]).toBeUndefined();
    expect(op.op.parameters.map(deref)).toMatchObject([
      { name: "access-token", in: "header", required: true },
    ]);
    expect(Object.keys(op.op.requestBody.content)).toEqual(["application/json"]);
    const body = deref(op.op.requestBody.content["application/json"].schema);
    expect(body.required).toEqual(["open_id"]);
    expect(Object.keys(body.properties)).toEqual(["open_id"]);
  });

  it("answers UserInfoSuccess or the shared ErrorAnswer, with a success and two error examples", () => {
    const media = op.op.responses["200"].content["application/json"];
    expect(deref(media.schema).anyOf.map((s: any) => s.$ref)).toEqual([
      "#/components/schemas/UserInfoSuccess",
      "#/components/schemas/ErrorAnswer",
    ]);
    const codes = Object.values<any>(media.examples).map((e) =>
      Number(deref(e).value.data.error_code),
    );
    expect(codes).toEqual([0, 2190008, 2100005]);
  });

  it("promises open_id, union_id, nickname and avatar; lists every other field of the facts", () => {
    const data = spec.components.schemas.UserInfoData;
    expect([...data.required].sort()).toEqual(
      ["error_code", "open_id", "union_id", "nickname", "avatar"].sort(),
    );
    expect(Object.keys(data.properties)).toEqual(
      expect.arrayContaining([
        "avatar_larger",
        "city",
        "province",
        "country",
        "gender",
        "e_account_role",
        "description",
        "encrypt_mobile",
      ]),
    );
    expect(data.properties.error_code.$ref).toBe("#/components/schemas/SuccessCode");
    expect(data.properties.gender.$ref).toBe("#/components/schemas/NumberOrNumericString");
  });
});

// The seed file sits in shared/ beside a checkout of this repo (as in CI); a clone elsewhere
// does not have it, and then only the table above speaks for it.
const seedPath = join(root, "../shared/seed/000_8d37f2fe0707d5d9.txt");

describe.runIf(existsSync(seedPath))("the contract table above agrees with the seed file", () => {
  const seed = readFileSync(existsSync(seedPath) ? seedPath : __filename, "utf8");
  // Go parameter names (clientKey) to wire names (client_key); optionalScope stays camelCase.
  const wire = (go: string) =>
    go === "optionalScope" ? go : go.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

  for (const [id, want] of Object.entries(CONTRACT)) {
    it(`${id} › same parameters and required flags as the seed`, () => {
      const title = id[0]!.toUpperCase() + id.slice(1);
      const section = seed.split(/\n## /).find((s) => s.startsWith(`${title}\n`));
      expect(section, `seed section ${title}`).toBeDefined();
      const rows = [...section!.matchAll(/^\s*\*\*(\w+)\*\* \| \*\*([\w.]+)\*\*\|/gm)]
        .filter(([, name]) => name !== "ctx")
        .map(([, name, type]) => ({ name: wire(name!), required: !type!.startsWith("optional.") }));
      const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
      expect(rows.sort(byName)).toEqual(
        want.params.map(({ name, required }) => ({ name, required })).sort(byName),
      );
      const path = section!.match(/\/[\w/]+/)?.[0];
      expect(seed).toContain(`**Get** ${want.path.replace(/\/$/, "")} `);
      expect(path).toBeDefined();
    });
  }
});
