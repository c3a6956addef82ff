#!/usr/bin/env python3
"""A full OAuth flow against the douyin-oauth emulator, from Python's standard library only.

Usage: emulator_flow.py <emulator-url> <client_key> <client_secret>

Drives the control API (a code without a browser, a fault, the clock, stats, reset) and the
platform's token endpoints as a Python team's client would, and checks the typed answers.
Prints one line per step; exits 1 naming the first step that failed.
"""
import json
import sys
import urllib.error
import urllib.parse
import urllib.request

BASE, KEY, SECRET = sys.argv[1], sys.argv[2], sys.argv[3]


def request(method, path, query=None, form=None, body=None):
    """(status, parsed JSON or text) of one request; HTTP errors are answers, not exceptions."""
    url = BASE + path + ("?" + urllib.parse.urlencode(query) if query else "")
    data, headers = None, {}
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as res:
            status, raw, kind = res.status, res.read(), res.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        status, raw, kind = error.code, error.read(), error.headers.get("Content-Type", "")
    text = raw.decode("utf-8")
    return status, json.loads(text) if "json" in kind and text else text


def check(step, condition, detail=""):
    if not condition:
        print(f"FAILED {step} {detail}")
        sys.exit(1)
    print(f"ok {step}")


# 1. the control API: the app is registered; a code for a user with a profile
status, apps = request("GET", "/_emulator/apps")
check("apps", status == 200 and [a["clientKey"] for a in apps["apps"]] == [KEY], apps)
status, issued = request(
    "POST", "/_emulator/codes", body={"scope": "user_info", "user": "py-user", "profile": {"nickname": "Py"}}
)
check("issue code", status == 201 and len(issued["code"]) == 32 and issued["scope"] == "user_info", issued)

# 2. code -> access token, as the seed's generated clients send it (GET, no trailing slash)
status, answer = request(
    "GET",
    "/oauth/access_token",
    query={"client_key": KEY, "client_secret": SECRET, "code": issued["code"], "grant_type": "authorization_code"},
)
data = answer["data"]
check(
    "access token",
    status == 200
    and data["error_code"] == 0
    and data["open_id"] == issued["openId"]
    and isinstance(data["expires_in"], int)
    and data["expires_in"] == 1296000
    and data["refresh_expires_in"] == 2592000
    and data["access_token"].startswith("act."),
    data.keys(),
)
access, refresh = data["access_token"], data["refresh_token"]

# 3. refresh (the platform's POST form): the still-valid access token comes back
status, answer = request(
    "POST", "/oauth/refresh_token/", form={"client_key": KEY, "refresh_token": refresh, "grant_type": "refresh_token"}
)
check("refresh", answer["data"]["error_code"] == 0 and answer["data"]["access_token"] == access)

# 4. renew: a new refresh token; the old one is gone
status, answer = request("POST", "/oauth/renew_refresh_token/", form={"client_key": KEY, "refresh_token": refresh})
renewed = answer["data"]["refresh_token"]
check("renew", answer["data"]["error_code"] == 0 and renewed != refresh and answer["data"]["expires_in"] == 2592000)

# 5. a fault: the next refresh gets an HTTP 503 with an HTML body, then it clears itself
status, faults = request(
    "POST", "/_emulator/faults", body={"operation": "refreshToken", "kind": "status", "status": 503, "times": 1}
)
check("inject fault", status == 201 and faults["faults"][0]["left"] == 1, faults)
refresh_form = {"client_key": KEY, "refresh_token": renewed, "grant_type": "refresh_token"}
status, body = request("POST", "/oauth/refresh_token/", form=refresh_form)
check("fault answered", status == 503 and isinstance(body, str) and "<html" in body, status)
status, faults = request("GET", "/_emulator/faults")
check("fault cleared itself", faults == {"faults": []}, faults)
status, answer = request("POST", "/oauth/refresh_token/", form=refresh_form)
check("refresh after the fault", answer["data"]["error_code"] == 0)

# 6. the typed error body: the renewed-away refresh token is 10010, in the shared envelope
status, answer = request(
    "GET", "/oauth/refresh_token/", query={"client_key": KEY, "refresh_token": refresh, "grant_type": "refresh_token"}
)
check(
    "error body",
    status == 200
    and answer["data"]["error_code"] == 10010
    and isinstance(answer["data"]["description"], str)
    and isinstance(answer["extra"]["logid"], str)
    and isinstance(answer["extra"]["now"], int),
    answer,
)

# 7. the clock: 16 days later the access token has expired
status, clock = request("POST", "/_emulator/clock", body={"ms": 16 * 86400 * 1000})
check("advance clock", status == 200 and clock["offsetMs"] == 16 * 86400 * 1000, clock)
status, validity = request("POST", "/_emulator/tokens/check", body={"token": access})
check("access token expired", validity == {"valid": False}, validity)
status, validity = request("POST", "/_emulator/tokens/check", body={"token": renewed})
check("refresh token still valid", validity == {"valid": True}, validity)

# 8. stats, live tokens (first characters only) and the request log (secrets redacted)
status, stats = request("GET", "/_emulator/stats")
check("stats", stats["calls"]["accessToken"] == 1 and stats["calls"]["refreshToken"] == 4, stats)
status, live = request("GET", "/_emulator/tokens")
check("live tokens redacted", renewed not in json.dumps(live) and live["users"][0]["profile"] == {"nickname": "Py"})
status, log = request("GET", "/_emulator/requests")
text = json.dumps(log)
check("requests redacted", SECRET not in text and issued["code"] not in text and refresh not in text)
check("slash-less form seen", log["requests"][-1]["withoutSlash"] is True and log["requests"][-1]["path"] == "/oauth/access_token")

# 9. a bad control request is refused naming the problem
status, refused = request("POST", "/_emulator/faults", body={"kind": "boom"})
check("bad fault refused", status == 400 and refused["error"].startswith('"kind" must be one of'), refused)

# 10. reset, and the control API's docs
status, _ = request("POST", "/_emulator/reset")
status2, stats = request("GET", "/_emulator/stats")
check("reset", status == 204 and stats["stored"]["refreshTokens"] == 0 and stats["calls"]["accessToken"] == 0)
status, page = request("GET", "/docs/control")
check("control docs", status == 200 and "Douyin OAuth emulator: control API" in page)
print("flow complete")
