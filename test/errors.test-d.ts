// The errors' instanceof, answered by a brand (issue 24), still narrows each class to itself.
import { describe, expectTypeOf, it } from "vitest";
import { DouyinError, DouyinOAuthError, DouyinStoreError } from "../src/index.js";

describe("instanceof narrows", () => {
  it("to the class on its right", () => {
    const error = new Error("x") as unknown;
    if (error instanceof DouyinOAuthError) expectTypeOf(error.errorCode).toEqualTypeOf<number>();
    if (error instanceof DouyinStoreError) expectTypeOf(error).toEqualTypeOf<DouyinStoreError>();
    if (error instanceof DouyinError) expectTypeOf(error).toEqualTypeOf<DouyinError>();
  });
});
