// Type-level checks: the generated `paths` refuse a misspelled or missing parameter at compile time.
import createClient from "openapi-fetch";
import { describe, expectTypeOf, it } from "vitest";
import type { components, operations, paths } from "../../src/index.js";

const client = createClient<paths>({ baseUrl: "http://127.0.0.1:1" });
const query = {
  client_key: "key",
  client_secret: "secret",
  code: "code",
  grant_type: "authorization_code",
} as const;

describe("generated paths", () => {
  it("accept the seed's parameters with their fixed values", () => {
    const call = () => client.GET("/oauth/access_token/", { params: { query } });
    expectTypeOf(call).returns.resolves.toHaveProperty("data");
    expectTypeOf<
      paths["/oauth/refresh_token/"]["get"]["parameters"]["query"]["grant_type"]
    >().toEqualTypeOf<"refresh_token">();
    expectTypeOf<
      paths["/oauth/authorize/v2/"]["get"]["parameters"]["query"]["scope"]
    >().toEqualTypeOf<"login_id">();
  });

  it("refuse a misspelled parameter name", () => {
    const { client_key: _omit, ...rest } = query;
    // @ts-expect-error clientKey is not the wire name: client_key is
    void client.GET("/oauth/access_token/", { params: { query: { ...rest, clientKey: "key" } } });
  });

  it("refuse a missing required parameter", () => {
    const { code: _omit, ...rest } = query;
    // @ts-expect-error code is required
    void client.GET("/oauth/access_token/", { params: { query: rest } });
  });

  it("refuse a wrong fixed value", () => {
    const wrong = { ...query, grant_type: "refresh_token" } as const;
    // @ts-expect-error grant_type of access_token is authorization_code only
    void client.GET("/oauth/access_token/", { params: { query: wrong } });
  });

  it("refuse a path the spec does not have (without the trailing slash)", () => {
    // @ts-expect-error the platform's path has a trailing slash
    void client.GET("/oauth/access_token", { params: { query } });
  });

  it("model numbers the platform sends as strings as number | string", () => {
    expectTypeOf<components["schemas"]["AccessTokenData"]["expires_in"]>().toEqualTypeOf<
      number | string
    >();
    expectTypeOf<components["schemas"]["ErrorData"]["error_code"]>().toEqualTypeOf<
      number | string
    >();
    expectTypeOf<operations["renewRefreshToken"]["parameters"]["query"]>().toEqualTypeOf<{
      client_key: string;
      refresh_token: string;
    }>();
  });
});
