// The options' types under exactOptionalPropertyTypes (this project's tsconfig has it): what the
// README's quick start writes, environment variables that may be unset, compiles (issue 24).
import { describe, it } from "vitest";
import { createDouyinOAuth } from "../src/index.js";

describe("options from the environment", () => {
  it("clientSecret and baseUrl take string | undefined", () => {
    createDouyinOAuth({
      clientKey: process.env.DOUYIN_CLIENT_KEY!,
      clientSecret: process.env.DOUYIN_CLIENT_SECRET,
      baseUrl: process.env.DOUYIN_BASE_URL,
    });
    // @ts-expect-error clientKey is required and must be a string: undefined is refused
    createDouyinOAuth({ clientKey: process.env.DOUYIN_CLIENT_KEY });
  });
});
