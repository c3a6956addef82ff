// A minimal Auth.js Adapter over a real SQLite file (Kysely through the sqlite3 shell,
// test/support/sqlite-cli.ts), for the database-session tests: no adapter package is installed,
// so this follows @auth/core's `Adapter` interface with the tables of its documented models
// (users, accounts, sessions). A test fixture, not shipped. `deleteSession` returns the deleted
// session, as the official adapters do, so `events.signOut` gets it.
import type { Adapter, AdapterAccount, AdapterSession, AdapterUser } from "@auth/core/adapters";
import { Kysely, sql } from "kysely";
import { sqliteCliDialect } from "../support/sqlite-cli.js";

interface Tables {
  users: {
    id: string;
    name: string | null;
    email: string | null;
    emailVerified: string | null;
    image: string | null;
  };
  accounts: Record<string, string | number | null> & {
    userId: string;
    provider: string;
    providerAccountId: string;
  };
  sessions: { sessionToken: string; userId: string; expires: string };
}

const ACCOUNT_COLUMNS = [
  "userId",
  "type",
  "provider",
  "providerAccountId",
  "refresh_token",
  "access_token",
  "expires_at",
  "token_type",
  "scope",
  "id_token",
  "session_state",
] as const;

const userOf = (row: Tables["users"] | undefined): AdapterUser | null =>
  row
    ? {
        id: row.id,
        name: row.name,
        email: row.email as string,
        image: row.image,
        emailVerified: row.emailVerified ? new Date(row.emailVerified) : null,
      }
    : null;

const sessionOf = (row: Tables["sessions"]): AdapterSession => ({
  sessionToken: row.sessionToken,
  userId: row.userId,
  expires: new Date(row.expires),
});

/** The adapter and the Kysely handle over `file` (its tables made here). */
export async function sqliteAdapter(
  file: string,
): Promise<{ adapter: Adapter; db: Kysely<Tables> }> {
  const db = new Kysely<Tables>({ dialect: sqliteCliDialect(file) });
  await sql`CREATE TABLE IF NOT EXISTS users (id TEXT PRIMARY KEY, name TEXT, email TEXT UNIQUE, emailVerified TEXT, image TEXT)`.execute(
    db,
  );
  await sql`CREATE TABLE IF NOT EXISTS accounts (userId TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE, type TEXT NOT NULL, provider TEXT NOT NULL, providerAccountId TEXT NOT NULL, refresh_token TEXT, access_token TEXT, expires_at INTEGER, token_type TEXT, scope TEXT, id_token TEXT, session_state TEXT, PRIMARY KEY (provider, providerAccountId))`.execute(
    db,
  );
  await sql`CREATE TABLE IF NOT EXISTS sessions (sessionToken TEXT PRIMARY KEY, userId TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE, expires TEXT NOT NULL)`.execute(
    db,
  );

  const adapter: Adapter = {
    async createUser(user) {
      const row = {
        id: globalThis.crypto.randomUUID(),
        name: user.name ?? null,
        email: user.email || null,
        emailVerified: user.emailVerified ? user.emailVerified.toISOString() : null,
        image: user.image ?? null,
      };
      await db.insertInto("users").values(row).execute();
      return userOf(row)!;
    },
    async getUser(id) {
      return userOf(
        await db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst(),
      );
    },
    async getUserByEmail(email) {
      return userOf(
        await db.selectFrom("users").selectAll().where("email", "=", email).executeTakeFirst(),
      );
    },
    async getUserByAccount({ provider, providerAccountId }) {
      const row = await db
        .selectFrom("accounts")
        .innerJoin("users", "users.id", "accounts.userId")
        .select(["users.id", "users.name", "users.email", "users.emailVerified", "users.image"])
        .where("accounts.provider", "=", provider)
        .where("accounts.providerAccountId", "=", providerAccountId)
        .executeTakeFirst();
      return userOf(row as Tables["users"] | undefined);
    },
    async updateUser(user) {
      const { id, ...changes } = user;
      const set: Partial<Tables["users"]> = {};
      if (changes.name !== undefined) set.name = changes.name;
      if (changes.email !== undefined) set.email = changes.email || null;
      if (changes.image !== undefined) set.image = changes.image;
      if (Object.keys(set).length > 0)
        await db.updateTable("users").set(set).where("id", "=", id).execute();
      return (await adapter.getUser!(id))!;
    },
    async linkAccount(account: AdapterAccount) {
      const row: Record<string, unknown> = {};
      for (const column of ACCOUNT_COLUMNS) {
        const value = (account as Record<string, unknown>)[column];
        row[column] = value === undefined ? null : value;
      }
      await db
        .insertInto("accounts")
        .values(row as Tables["accounts"])
        .execute();
      return account;
    },
    async createSession(session) {
      const row = { ...session, expires: session.expires.toISOString() };
      await db.insertInto("sessions").values(row).execute();
      return session;
    },
    async getSessionAndUser(sessionToken) {
      const session = await db
        .selectFrom("sessions")
        .selectAll()
        .where("sessionToken", "=", sessionToken)
        .executeTakeFirst();
      if (!session) return null;
      const user = await adapter.getUser!(session.userId);
      return user ? { session: sessionOf(session), user } : null;
    },
    async updateSession({ sessionToken, expires }) {
      if (expires) {
        await db
          .updateTable("sessions")
          .set({ expires: expires.toISOString() })
          .where("sessionToken", "=", sessionToken)
          .execute();
      }
      const row = await db
        .selectFrom("sessions")
        .selectAll()
        .where("sessionToken", "=", sessionToken)
        .executeTakeFirst();
      return row ? sessionOf(row) : null;
    },
    async deleteSession(sessionToken) {
      const row = await db
        .selectFrom("sessions")
        .selectAll()
        .where("sessionToken", "=", sessionToken)
        .executeTakeFirst();
      await db.deleteFrom("sessions").where("sessionToken", "=", sessionToken).execute();
      return row ? sessionOf(row) : null;
    },
  };
  return { adapter, db };
}
