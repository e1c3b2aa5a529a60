/*
 * Cache-Control for a self-hosted newsroom behind a caching proxy or a CDN (njs, nginx's
 * JavaScript module: Debian's libnginx-mod-http-js). invoke deploy installs this file as
 * <root>/bin/masthead-cache.js; docs/self-hosting.md shows the server block that uses it.
 *
 * A page may be kept by a cache only until the next go-live instant of the snapshot it
 * came from: from then on another snapshot answers. So the answer is
 *   public, max-age=0, s-maxage=<whole seconds until the next instant, less one>
 * (at most LONGEST):
 * shared caches keep it until the instant; browsers ask again each time (a 304 from the
 * cache), because a proxy that sends no Age header would let a browser count the whole
 * max-age again from the moment it got a cached copy, past the instant.
 * and no-cache whenever that cannot be known for sure: the served snapshot is not in
 * schedule.json (a rollback, a deploy under way), its next instant has passed (the switch
 * is due), or the web root was switched less than SETTLE seconds ago (nginx may have
 * opened the file just before the switch and looked the folder up just after).
 */
var fs = require('fs');

/* The longest a page is cached, even with no instant ahead: a deploy can add an instant
 * or a correction at any time, and only a purge reaches what a cache already holds. */
var LONGEST = 300;
var SETTLE = 2;

function until(schedule, served) {
    var entries = schedule.snapshots.map(function (entry) {
        return { dir: entry.dir, instant: Date.parse(entry.instant) / 1000 };
    });
    entries.sort(function (a, b) { return a.instant - b.instant; });
    for (var i = 0; i < entries.length; i++) {
        if (entries[i].dir === served) {
            return i + 1 < entries.length ? entries[i + 1].instant : Infinity;
        }
    }
    return null;
}

function cacheControl(r) {
    var base = r.variables.document_root.replace(/\/current\/?$/, '');
    var now = Date.now() / 1000;
    try {
        var switched = fs.lstatSync(base + '/current').mtimeMs / 1000;
        if (now - switched < SETTLE) {
            return 'no-cache';
        }
        var served = r.variables.realpath_root.split('/').pop();
        var schedule = JSON.parse(fs.readFileSync(base + '/schedule.json'));
        var end = until(schedule, served);
        if (end === null) {
            return 'no-cache';
        }
        // One second less than what is left: caches count in whole seconds, and nginx
        // keeps an entry fresh through the whole second in which it expires.
        var age = Math.floor(Math.min(end - now, LONGEST)) - 1;
        return age > 0 ? 'public, max-age=0, s-maxage=' + age : 'no-cache';
    } catch (e) {
        return 'no-cache';
    }
}

export default { cacheControl };
