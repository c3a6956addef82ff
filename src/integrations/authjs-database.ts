// Staying signed in with Auth.js database sessions (an adapter). Auth.js keeps the provider's
// tokens in the adapter's account row at the first link and never updates them: its Adapter has
// `getAccount` but no `updateAccount`, and `linkAccount` runs only when an account is first
// linked. So the grant lives in a TokenStore the app gives, saved from `events.signIn` (which
// gets the tokens on every sign-in) and kept by `douyin-oauth/tokens`' manager. Auth.js' user id
// leads to the Douyin open_id through one more key in that store.
import type { AuthConfig } from "@auth/core";
import {
  DouyinReauthorizeError,
  DouyinStoreError,
  type DouyinOAuth,
  type TokenData,
} from "../index.js";
import {
  createUserTokenManager,
  type TokenStore,
  type UserTokenManager,
  type UserTokenManagerOptions,
} from "../tokens/index.js";

type Callbacks = NonNullable<AuthConfig["callbacks"]>;
type Events = NonNullable<AuthConfig["events"]>;
type SignInMessage = Parameters<NonNullable<Events["signIn"]>>[0];
type SignOutMessage = Parameters<NonNullable<Events["signOut"]>>[0];
type SessionParams = Parameters<NonNullable<Callbacks["session"]>>[0];

/** How long the user id → open_id link is kept after a sign-in: past any grant (≤ 180 days). */
const LINK_TTL_MS = 366 * 24 * 60 * 60_000;

/** What {@link douyinDatabaseSession} takes beside the client: the store the grants live in, the provider id, the manager's options. */
export interface DouyinDatabaseSessionOptions {
  /**
   * Where the grants live: a `TokenStore` of `douyin-oauth/tokens` (`RedisTokenStore` for several
   * servers; a `MemoryTokenStore` loses them when the process ends, while Auth.js' sessions stay).
   */
  store: TokenStore;
  /** The provider id given to `DouyinProvider`. Default `"douyin"`. */
  providerId?: string;
  /** More options of the manager (`createUserTokenManager`), e.g. `onError`. */
  tokens?: Omit<UserTokenManagerOptions, "store">;
}

/** The token answer Auth.js hands `events.signIn` as `account`, back in the client's shape. */
function grantOf(account: Record<string, unknown>): TokenData<"accessToken"> {
  return {
    access_token: account.access_token,
    expires_in: Number(account.expires_in),
    refresh_token: account.refresh_token,
    refresh_expires_in: Number(account.refresh_expires_in),
    open_id: account.open_id,
    scope: String(account.scope ?? ""),
  } as TokenData<"accessToken">;
}

/**
 * Keeps a Douyin sign-in alive under Auth.js database sessions (`session: { strategy:
 * "database" }` with an adapter): `events.signIn` saves the grant into `store` on every sign-in,
 * `callbacks.session` brings it up to date on each session read by `douyin-oauth/tokens`' rules
 * (refreshed a day before expiry, renewed in the refresh token's last 5 days, up to 5 times) and
 * adds `user.id`, `openId` and, once the grant has ended, `douyinError: "reauthorize"`;
 * `events.signOut` ends the grant (every session of that user then reads `"reauthorize"`).
 * `accessToken(userId)` serves the access token on the server. The adapter's own token columns
 * keep the first sign-in's tokens, never updated: read tokens only through this helper.
 * `events.signOut` needs an adapter whose `deleteSession` returns the deleted session.
 * @example
 * const douyinSession = douyinDatabaseSession(douyin, { store: new RedisTokenStore(redis) });
 * const authConfig = { adapter, session: { strategy: "database" }, providers: [DouyinProvider(douyin)],
 *   callbacks: douyinSession.callbacks, events: douyinSession.events };
 */
export function douyinDatabaseSession(douyin: DouyinOAuth, options: DouyinDatabaseSessionOptions) {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`"options" must be an object`);
  }
  const { store, providerId = "douyin" } = options;
  if (typeof store !== "object" || store === null || typeof store.get !== "function") {
    throw new TypeError(`"store" is required: a TokenStore of douyin-oauth/tokens`);
  }
  if (typeof providerId !== "string" || !/^[A-Za-z0-9_-]+$/.test(providerId)) {
    throw new TypeError(`"providerId" must be letters, digits, "-" or "_"`);
  }
  const users: UserTokenManager = createUserTokenManager(douyin, { ...options.tokens, store });
  const timeoutMs = options.tokens?.storeTimeoutMs ?? 1_000;
  const linkKey = (userId: string) => `douyin-oauth:${douyin.clientKey}:authjs-user:${userId}`;

  /** One store call for the user id's link, bounded and typed as the manager's own are. */
  function linkCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new DouyinStoreError("timeout", operation)), timeoutMs);
      Promise.resolve()
        .then(call)
        .then(resolve, (error: unknown) => reject(new DouyinStoreError("failed", operation, error)))
        .finally(() => clearTimeout(timer));
    });
  }
  const openIdOf = (userId: string) => linkCall("get", () => store.get(linkKey(userId)));

  /** The user's access token; undefined when they have no grant or it has ended. */
  async function tokenOf(openId: string | undefined): Promise<string | undefined> {
    if (openId === undefined) return undefined;
    try {
      return await users.getAccessToken(openId);
    } catch (error) {
      if (error instanceof DouyinReauthorizeError) return undefined;
      throw error;
    }
  }

  return {
    /** The manager over `store`: `renewDue()` for users who are away (daily), `close()` at exit. */
    users,
    events: {
      async signIn({ user, account }: SignInMessage): Promise<void> {
        if (account?.provider !== providerId) return;
        if (typeof user.id !== "string" || user.id === "") {
          throw new TypeError("douyinDatabaseSession: the signed-in user has no id (no adapter?)");
        }
        const { openId } = await users.save(grantOf(account as Record<string, unknown>));
        await linkCall("set", () => store.set(linkKey(user.id!), openId, LINK_TTL_MS));
      },
      async signOut(message: SignOutMessage): Promise<void> {
        const userId = "session" in message ? message.session?.userId : undefined;
        if (typeof userId !== "string") return;
        const openId = await openIdOf(userId);
        if (openId !== undefined) await users.delete(openId);
      },
    },
    callbacks: {
      async session({ session, user }: SessionParams) {
        const base = {
          user: { id: user.id, name: user.name, email: user.email, image: user.image },
          expires: new Date(session.expires).toISOString(),
        };
        const openId = await openIdOf(user.id);
        if (openId === undefined) return base; // not a Douyin user
        const accessToken = await tokenOf(openId);
        return {
          ...base,
          openId,
          ...(accessToken === undefined ? { douyinError: "reauthorize" as const } : {}),
        };
      },
    },
    /**
     * The Douyin access token of Auth.js user `userId` (`session.user.id`), brought up to date;
     * undefined when they must sign in with Douyin (again). Rejects with the client's errors
     * (`DouyinTransportError`, `DouyinOAuthError`) or `DouyinStoreError`: try again later.
     */
    async accessToken(userId: string): Promise<string | undefined> {
      if (typeof userId !== "string" || userId === "") {
        throw new TypeError(`"userId" is missing or empty`);
      }
      return tokenOf(await openIdOf(userId));
    },
  };
}
