// Types of userInfo: the spec's UserInfoData, the promised fields required, the rest optional,
// numbers as numbers.
import { describe, expectTypeOf, it } from "vitest";
import type { components, DouyinOAuth, TokenData, UserInfo } from "../src/index.js";

declare const douyin: DouyinOAuth;

describe("userInfo", () => {
  it("resolves to the spec's data: open_id, union_id, nickname, avatar required", () => {
    expectTypeOf(douyin.userInfo).returns.resolves.toEqualTypeOf<UserInfo>();
    expectTypeOf<UserInfo>().toEqualTypeOf<TokenData<"userInfo">>();
    expectTypeOf<UserInfo["open_id"]>().toEqualTypeOf<string>();
    expectTypeOf<UserInfo["union_id"]>().toEqualTypeOf<string>();
    expectTypeOf<UserInfo["nickname"]>().toEqualTypeOf<string>();
    expectTypeOf<UserInfo["avatar"]>().toEqualTypeOf<string>();
    expectTypeOf<UserInfo["error_code"]>().toEqualTypeOf<number>();
  });

  it("the other fields are optional; gender a number whatever the wire sent", () => {
    expectTypeOf<UserInfo["avatar_larger"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<UserInfo["e_account_role"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<UserInfo["encrypt_mobile"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<UserInfo["gender"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<components["schemas"]["UserInfoData"]["gender"]>().toEqualTypeOf<
      number | string | undefined
    >();
    expectTypeOf<UserInfo>().not.toHaveProperty("access_token");
  });

  it("takes the access token and the open_id, both required", () => {
    expectTypeOf(douyin.userInfo)
      .parameter(0)
      .toEqualTypeOf<{ accessToken: string; openId: string }>();
    // @ts-expect-error openId is required
    void douyin.userInfo({ accessToken: "act.1" });
  });
});
