// Types of the client: answers with numbers, options checked at compile time.
import { describe, expectTypeOf, it } from "vitest";
import {
  createDouyinOAuth,
  type CallbackResult,
  type components,
  type DouyinOAuth,
  type TokenData,
} from "../src/index.js";

declare const douyin: DouyinOAuth;

describe("token methods", () => {
  it("accessToken returns the spec's data with numbers, whatever the wire sent", () => {
    type Data = Awaited<ReturnType<DouyinOAuth["accessToken"]>>;
    expectTypeOf<Data["expires_in"]>().toEqualTypeOf<number>();
    expectTypeOf<Data["refresh_expires_in"]>().toEqualTypeOf<number>();
    expectTypeOf<Data["error_code"]>().toEqualTypeOf<number>();
    expectTypeOf<Data["access_token"]>().toEqualTypeOf<string>();
    expectTypeOf<Data["open_id"]>().toEqualTypeOf<string>();
    expectTypeOf<Data["unionid"]>().toEqualTypeOf<string | undefined>();
    // the wire type, for contrast
    expectTypeOf<components["schemas"]["AccessTokenData"]["expires_in"]>().toEqualTypeOf<
      number | string
    >();
  });

  it("each method returns its own operation's data", () => {
    expectTypeOf(douyin.clientToken).returns.resolves.toEqualTypeOf<TokenData<"clientToken">>();
    expectTypeOf<TokenData<"clientToken">>().not.toHaveProperty("open_id");
    expectTypeOf<TokenData<"renewRefreshToken">["refresh_token"]>().toEqualTypeOf<string>();
    expectTypeOf<TokenData<"refreshToken">["expires_in"]>().toEqualTypeOf<number>();
  });

  it("refuses a misspelled option or input", () => {
    // @ts-expect-error clientKey, not client_key
    createDouyinOAuth({ client_key: "k" });
    // @ts-expect-error platform is douyin | toutiao | xigua
    createDouyinOAuth({ clientKey: "k", platform: "weibo" });
    // @ts-expect-error refreshToken, not refresh_token
    void douyin.refreshToken({ refresh_token: "r" });
    // @ts-expect-error accessToken needs the code
    void douyin.accessToken({});
    // @ts-expect-error timeoutMs, not timeout
    void douyin.clientToken({ timeout: 5 });
    // @ts-expect-error redirectUri, not redirect_uri
    douyin.connectUrl({ scope: "user_info", redirect_uri: "https://a.example/cb" });
  });

  it("URL builders return URL; parseCallback returns code, state and scopes", () => {
    expectTypeOf(douyin.connectUrl).returns.toEqualTypeOf<URL>();
    expectTypeOf<CallbackResult>().toEqualTypeOf<{
      code: string;
      state: string;
      scopes: string[] | undefined;
    }>();
  });
});
