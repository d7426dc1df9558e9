# The HTTP front cache of Common Map (Varnish 7, Debian's package), in front of gunicorn.
#
# It keeps what the app tags as shareable (core/front.py): answers with an X-Cm-Layers header
# AND "Cache-Control: public" (tiles, TileJSON, the style, the public GeoJSON); everything
# else goes to the app every time. Writes reach it as bans: manage.py front_purger turns the
# database's notifications into "BAN /" requests whose X-Ban header is the ban expression
# (on obj.http.x-cm-layers / obj.http.x-cm-tile, so that the ban lurker can work).
#
# std.ban() takes the expression's arguments as written: unquoted (quotes would become part
# of them), e.g. "obj.http.x-cm-layers ~ ,areas, && obj.http.x-cm-tile == 14/13048/7698".
#
# scripts/front.sh writes commonmap-site.vcl in the front's work directory: the backend (the
# gunicorn address, FRONT_BACKEND), the ACL "front_banners" of who may send BAN (localhost
# and FRONT_BAN_FROM) and "sub front_ttl", how long a tagged answer is kept (FRONT_TTL).
vcl 4.1;

import std;

include "commonmap-site.vcl";

sub vcl_recv {
    if (req.method == "BAN") {
        if (client.ip !~ front_banners) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.X-Ban) {
            return (synth(400, "X-Ban header missing"));
        }
        if (std.ban(req.http.X-Ban)) {
            return (synth(200, "Ban added"));
        }
        return (synth(400, std.ban_error()));
    }
    # Varnish itself has appended the caller's address to X-Forwarded-For: the app reads the
    # last entry (COMMONMAP_CLIENT_IP_HEADER=X-Forwarded-For, core/clients.py).
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Only the paths whose answers the app may tag are looked up at all (tiles, TileJSON,
    # the style; the layers' GeoJSON); every other page and API (HTML, the workspace,
    # feedback, the admin, static files) goes straight to the app with its cookies.
    if (req.url !~ "^/(tiles|api/v1/layers)/") {
        return (pass);
    }
    # A caller who is someone (staff session, basic auth, bearer token, API key) gets its own
    # answer from the app: staff-only layers are never shared.
    if (req.http.Authorization || req.http.X-Api-Key || req.url ~ "[?&]api_key=") {
        return (pass);
    }
    if (req.http.Cookie ~ "(^|;)\s*sessionid=") {
        return (pass);
    }
    # One language per answer, part of the cache key: the django_language cookie first (as
    # Django reads it), then the first of vi/en in Accept-Language, else Vietnamese.
    if (req.http.Cookie ~ "(^|;)\s*django_language=en\s*(;|$)") {
        set req.http.X-Cm-Lang = "en";
    } elsif (req.http.Cookie ~ "(^|;)\s*django_language=vi\s*(;|$)") {
        set req.http.X-Cm-Lang = "vi";
    } elsif (req.http.Accept-Language ~ "(?i)(^|,)\s*(vi|en)\s*(-[^,;]*)?\s*(;|,|$)") {
        set req.http.X-Cm-Lang = std.tolower(regsub(req.http.Accept-Language,
            "(?i)^(.*?,)?\s*(vi|en)\s*(-[^,;]*)?\s*(;.*|,.*)?$", "\2"));
    } else {
        set req.http.X-Cm-Lang = "vi";
    }
    set req.http.Accept-Language = req.http.X-Cm-Lang;
    unset req.http.X-Cm-Lang;
    # No other cookie changes these answers (csrftoken, analytics): without them the answer
    # can be shared.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_hash {
    hash_data(req.url);
    if (req.http.Host) {
        hash_data(req.http.Host);
    } else {
        hash_data(server.ip);
    }
    # TileJSON names the tiles by absolute URL: http and https callers differ.
    hash_data(req.http.X-Forwarded-Proto);
    hash_data(req.http.Accept-Language);
    return (lookup);
}

sub vcl_backend_response {
    if (beresp.http.X-Cm-Layers
        && (beresp.status == 200 || beresp.status == 204)
        && beresp.http.Cache-Control ~ "(?i)(^|,)\s*public\s*(,|$)"
        && beresp.http.Cache-Control !~ "(?i)(private|no-store|no-cache)"
        && !beresp.http.Set-Cookie) {
        # The front forgets through bans, so it may keep an answer far longer than the
        # browser's max-age: Surrogate-Control: max-age=N from the app if it says so, else
        # FRONT_TTL (front_ttl, in commonmap-site.vcl).
        if (beresp.http.Surrogate-Control ~ "max-age=[0-9]+") {
            set beresp.ttl = std.duration(
                regsub(beresp.http.Surrogate-Control, "^.*max-age=([0-9]+).*$", "\1") + "s",
                0s);
        } else {
            call front_ttl;
        }
        unset beresp.http.Surrogate-Control;
        # No stale answers: an expired object is fetched again, never served while it is.
        set beresp.grace = 0s;
        set beresp.keep = 0s;
        return (deliver);
    }
    # Not shareable: remember for a while that it is not (hit-for-miss), so that later
    # callers of this URL go to the app at once instead of waiting for one another.
    set beresp.ttl = 60s;
    set beresp.grace = 0s;
    set beresp.uncacheable = true;
    return (deliver);
}

sub vcl_deliver {
    if (obj.uncacheable) {
        set resp.http.X-Cache = "PASS";
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    # The object may be hours old in the front but is as fresh as the database (bans): the
    # browser counts its own max-age from now.
    if (resp.http.X-Cm-Layers) {
        unset resp.http.Age;
    }
    unset resp.http.Via;
    unset resp.http.X-Varnish;
}

# The app does not answer (stopped, restarting, over its timeouts): a JSON 503 as the app's
# own (core/middleware.py), in the caller's language, never kept.
sub vcl_backend_error {
    set beresp.http.Content-Type = "application/json; charset=utf-8";
    set beresp.http.Retry-After = "5";
    set beresp.http.Cache-Control = "no-store";
    if (bereq.http.Accept-Language ~ "(?i)^\s*en") {
        synthetic({"{"detail": "The map server is not answering at the moment. Try again in a few seconds.", "code": "unavailable" }"});
    } else {
        synthetic({"{"detail": "Máy chủ bản đồ tạm thời không trả lời. Vui lòng thử lại sau vài giây.", "code": "unavailable" }"});
    }
    set beresp.status = 503;
    set beresp.ttl = 0s;
    set beresp.uncacheable = true;
    return (deliver);
}

sub vcl_synth {
    set resp.http.Content-Type = "text/plain; charset=utf-8";
    synthetic(resp.reason + {"
"});
    return (deliver);
}
