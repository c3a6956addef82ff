// A `--import` preload for the bench's HTTPS table only: inside this one process, the name
// open.douyin.com resolves to 127.0.0.1 (where the bench's floor server listens on 443), so
// ByteDance's SDK, which only calls https://open.douyin.com, reaches the local server. Every other
// name resolves as usual; nothing outside this process changes, and nothing leaves the machine.
import dns from "node:dns";

const NAME = "open.douyin.com";
const original = dns.lookup;

dns.lookup = function lookup(hostname, options, callback) {
  if (hostname !== NAME) return original.call(this, hostname, options, callback);
  const done = typeof options === "function" ? options : callback;
  const all = typeof options === "object" && options !== null && options.all === true;
  process.nextTick(() =>
    all ? done(null, [{ address: "127.0.0.1", family: 4 }]) : done(null, "127.0.0.1", 4),
  );
  return {};
};
