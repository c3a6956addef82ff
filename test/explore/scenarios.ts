// The scenarios the explorer runs: small scripts of two servers and one user (and three
// client-token providers), each explored over every interleaving within its fault budget.
import { DEMO_APP } from "../../src/emulator/demo-app.js";
import { DAY, type Scenario, type SetupKit } from "./explore.js";

const HOUR = 60 * 60_000;

/** Signed in on day 0, seen on day 14.5 (refreshed); now day 28.6: the access token is due for
 * refresh but still valid, the refresh token is inside its renewal window (5 days of 30). */
async function dueButValid(s: SetupKit) {
  const grant = s.grant();
  await s.world.servers[0]!.users.save(grant);
  s.run.handed.add(grant.refresh_token);
  s.advance(14.5 * DAY);
  await s.world.servers[0]!.users.getAccessToken(grant.open_id);
  s.advance(14.1 * DAY);
}

/** Signed in on day 0, away since: day 25.5, the access token expired, the renewal due. */
async function dueAndExpired(s: SetupKit) {
  const grant = s.grant();
  await s.world.servers[0]!.users.save(grant);
  s.run.handed.add(grant.refresh_token);
  s.advance(25.5 * DAY);
}

/** Signed in an hour ago: nothing due. */
async function fresh(s: SetupKit) {
  const grant = s.grant();
  await s.world.servers[0]!.users.save(grant);
  s.run.handed.add(grant.refresh_token);
  s.advance(HOUR);
}

/** Day 25.5, and a renewal of the stored refresh token was applied by the platform over an
 * hour ago but its answer was lost: the stored token is dead, its mark has run out. */
async function renewalLostLongAgo(s: SetupKit) {
  await dueAndExpired(s);
  const raw = s.world.read(`douyin-oauth:${DEMO_APP.clientKey}:user:user-1`)!;
  const token = (JSON.parse(raw) as { refreshToken: string }).refreshToken;
  s.world.ledger.renewRefreshToken({ client_key: DEMO_APP.clientKey, refresh_token: token });
  s.run.handed.delete(token);
  s.run.renewed.set(token, "lost");
}

/** A client token fetched 1 h 56 min ago: inside its 5-minute refresh window. */
async function clientTokenDue(s: SetupKit) {
  await s.world.servers[0]!.clients.get();
  s.advance(116 * 60_000);
}

export const USER_SCENARIOS: Scenario[] = [
  {
    name: "get-vs-get",
    about: "A and B getAccessToken at once; access due (still valid), renewal due",
    servers: 2,
    faults: 1,
    setup: dueButValid,
    actors: [(a) => a.get(0), (a) => a.get(1)],
  },
  {
    name: "get-vs-get-expired",
    about: "A and B getAccessToken at once; access expired, renewal due",
    servers: 2,
    faults: 1,
    setup: dueAndExpired,
    actors: [(a) => a.get(0), (a) => a.get(1)],
  },
  {
    name: "get-vs-sweep",
    about: "A getAccessToken while B runs the sweep (renewDue); access due, renewal due",
    servers: 2,
    faults: 1,
    setup: dueButValid,
    actors: [(a) => a.get(0), (a) => a.sweep(1)],
  },
  {
    name: "sweep-vs-sweep",
    about: "The sweep (renewDue) on A and on B at once; access due, renewal due",
    servers: 2,
    faults: 1,
    setup: dueButValid,
    actors: [(a) => a.sweep(0), (a) => a.sweep(1)],
  },
  {
    name: "a-day-later",
    about: "A getAccessToken (refresh and renewal due), a day passes, then B getAccessToken",
    servers: 2,
    faults: 1,
    setup: dueButValid,
    actors: [
      async (a) => {
        await a.get(0);
        await a.sleep(DAY);
        await a.get(1);
      },
    ],
  },
  {
    name: "sign-in-during-renewal",
    about:
      "A getAccessToken renews a refresh token already dead (an answer lost long ago) while the user signs in again on B",
    servers: 2,
    faults: 0,
    setup: renewalLostLongAgo,
    actors: [(a) => a.get(0), (a) => a.signIn(1)],
  },
  {
    name: "sign-in-during-renewal-then-away",
    about:
      "The same, and the user comes back on B 15.5 days later, when the new sign-in's access token has expired",
    servers: 2,
    faults: 0,
    setup: renewalLostLongAgo,
    actors: [
      (a) => a.get(0),
      (a) => a.signIn(1),
      async (a) => {
        await a.sleep(15.5 * DAY);
        await a.get(1);
      },
    ],
  },
  {
    name: "sign-out-during-get",
    about: "A getAccessToken; meanwhile the user signs out on A, then asks A again",
    servers: 2,
    faults: 0,
    setup: fresh,
    actors: [(a) => a.get(0), async (a) => (await a.signOut(0), await a.get(0))],
  },
  {
    name: "sign-out-during-refresh",
    about: "A getAccessToken (refresh and renewal due); the user signs out on B, then asks A and B",
    servers: 2,
    faults: 1,
    setup: dueButValid,
    actors: [
      (a) => a.get(0),
      async (a) => {
        await a.signOut(1);
        await a.get(0);
        await a.get(1);
      },
    ],
  },
  {
    name: "sign-out-during-sweep",
    about: "The sweep on A; the user signs out on B, then asks A",
    servers: 2,
    faults: 1,
    setup: dueButValid,
    actors: [
      (a) => a.sweep(0),
      async (a) => {
        await a.signOut(1);
        await a.get(0);
      },
    ],
  },
  {
    name: "first-sign-in-then-out",
    about: "A user's first sign-in on B (nothing stored), then out on A, then asks A; one fault",
    servers: 2,
    faults: 1,
    setup: async () => undefined,
    actors: [
      async (a) => {
        await a.signIn(1);
        await a.signOut(0);
        await a.get(0);
      },
    ],
  },
  {
    name: "sign-in-then-out",
    about: "The user signs in again on B, then out on A, then asks A; one fault",
    servers: 2,
    faults: 1,
    setup: fresh,
    actors: [
      async (a) => {
        await a.signIn(1);
        await a.signOut(0);
        await a.get(0);
      },
    ],
  },
];

export const CLIENT_SCENARIOS: Scenario[] = [
  {
    name: "client-cold",
    about: "Three providers get() a client token at once, the store empty",
    servers: 3,
    faults: 1,
    setup: async () => undefined,
    actors: [(a) => a.clientToken(0), (a) => a.clientToken(1), (a) => a.clientToken(2)],
  },
  {
    name: "client-due",
    about: "Three providers get() at once, the stored token inside its refresh window",
    servers: 3,
    faults: 1,
    setup: clientTokenDue,
    actors: [(a) => a.clientToken(0), (a) => a.clientToken(1), (a) => a.clientToken(2)],
  },
];

export const SCENARIOS = [...USER_SCENARIOS, ...CLIENT_SCENARIOS];
