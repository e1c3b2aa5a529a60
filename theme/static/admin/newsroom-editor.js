// The newsroom's part of the editor at /admin/ (Decap CMS, configured by plugins/newsroom/cms.py).
//
// - A file format that writes front matter the way the check reads it: no empty optional
//   fields, and every field the author did not change kept byte for byte, so opening and
//   saving a release without an edit leaves its file exactly as it was.
// - A widget for the publication time: a date, a time and an IANA time zone, written in the
//   project's form "2026-12-02 07:00 Europe/Berlin".
// - A preview pane in the theme's own styles, and a list that says draft, embargoed or live.
// Served as a file of the site (no inline script), under the admin page's CSP.
(() => {
  "use strict";

  const { CMS, h, createClass, jsyaml } = window;
  const FORMAT = "newsroom-frontmatter";
  const WIDGET = "newsroom-instant";
  // Not release fields: the folder year (cms.YEAR_FIELD), the link to the file as read, and
  // the date as a UTC instant the list sorts by (cms.SORT_FIELD). None is written to a file.
  const YEAR = "newsroom_year";
  const SOURCE = "newsroom_source";
  const SORT = "newsroom_instant";
  // The forms the check reads (newsroom/dates.py): a zone name, or an offset. The editor
  // writes the first, "2026-12-02 07:00 Europe/Berlin", and keeps the second as written.
  const INSTANT = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}) ([A-Za-z][A-Za-z0-9_+\-/]*)$/;
  const ZONED =
    /^(\d{4})-(\d{1,2})-(\d{1,2})[T ]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s+([A-Za-z][A-Za-z0-9_+\-/]*)$/;
  const OFFSET =
    /^(\d{4})-(\d{1,2})-(\d{1,2})[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})$/;

  // --- time ------------------------------------------------------------------------------

  const pad = (n) => String(n).padStart(2, "0");

  // Milliseconds between UTC and the zone's wall clock at the instant t.
  function zoneOffset(t, zone) {
    const format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit",
    });
    const p = Object.fromEntries(format.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
    return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second) - t;
  }

  // The instant as milliseconds since 1970, or null when it is not one the check reads.
  function epoch(value) {
    const text = String(value || "").trim();
    const m = ZONED.exec(text) || OFFSET.exec(text);
    if (!m) return null;
    const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0));
    const where = m[7];
    if (where === "Z") return wall;
    const offset = /^([+-])(\d{2}):?(\d{2})$/.exec(where);
    if (offset) return wall - (offset[1] === "-" ? -1 : 1) * (+offset[2] * 60 + +offset[3]) * 60000;
    try {
      const first = wall - zoneOffset(wall, where);
      return wall - zoneOffset(first, where); // again, in case the guess crossed a DST change
    } catch (error) {
      return null; // a zone this browser does not know
    }
  }

  // "draft", "withdrawn", "embargoed until …" or "live", as of now.
  function stateOf(date, status) {
    if (status === "draft" || status === "withdrawn") return status;
    const t = epoch(date);
    return t !== null && t > Date.now() ? `embargoed until ${date}` : "live";
  }

  // --- the file format -------------------------------------------------------------------

  const sources = [];

  function isEmpty(value) {
    if (value === null || value === undefined || value === "") return true;
    if (Array.isArray(value)) return value.length === 0;
    if (typeof value === "object") return Object.keys(value).length === 0;
    return false;
  }

  // The value without empty strings, lists and groups: the check reads an empty optional
  // field as a mistake, so a field left blank in the form is left out of the file.
  function clean(value) {
    if (Array.isArray(value)) return value.map(clean).filter((v) => !isEmpty(v));
    if (value && typeof value === "object") {
      const out = {};
      for (const [key, item] of Object.entries(value)) {
        const kept = clean(item);
        if (!isEmpty(kept)) out[key] = kept;
      }
      return out;
    }
    return value;
  }

  function canonical(value) {
    if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
    if (value && typeof value === "object") {
      const keys = Object.keys(value).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`;
    }
    return JSON.stringify(value);
  }

  // Words YAML 1.1 (the check's reader) turns into something other than text.
  const RESERVED = /^(?:y|n|yes|no|on|off|true|false|null|~|[-+]?\.(?:inf|nan))$/i;
  const NUMBERLIKE = /^[-+]?(?:0[box])?[0-9][0-9_.:eE+-]*$/;

  // A plain scalar when YAML reads it back as the same text, else a double-quoted one.
  function scalar(value) {
    if (typeof value === "boolean" || typeof value === "number") return String(value);
    const text = String(value);
    if (INSTANT.test(text)) return text;
    const plain =
      text.length > 0 &&
      text === text.trim() &&
      !/[\n\r\t"'`]/.test(text) &&
      !/^[-?:,[\]{}#&*!|>%@]/.test(text) &&
      !/: |:$| #/.test(text) &&
      !RESERVED.test(text) &&
      !NUMBERLIKE.test(text) &&
      !/^\d{4}-\d\d?-\d\d?/.test(text) &&
      !/^[\u201c\u201d\u2018\u2019]/.test(text);
    return plain ? text : JSON.stringify(text);
  }

  // One field in block style, as the guide shows it.
  function block(key, value, indent = "") {
    if (Array.isArray(value)) {
      const items = value.map((item) => {
        if (item && typeof item === "object") {
          const lines = Object.entries(item).map(([k, v]) => block(k, v, `${indent}    `));
          return `${indent}  - ${lines.join("").slice(indent.length + 4)}`;
        }
        return `${indent}  - ${scalar(item)}\n`;
      });
      return `${indent}${key}:\n${items.join("")}`;
    }
    if (value && typeof value === "object") {
      const lines = Object.entries(value).map(([k, v]) => block(k, v, `${indent}  `));
      return `${indent}${key}:\n${lines.join("")}`;
    }
    return `${indent}${key}: ${scalar(value)}\n`;
  }

  // The front matter's top-level fields as written: name -> its lines, comments included;
  // "" holds any lines before the first field, kept at the top.
  function blocksOf(frontMatter) {
    const blocks = new Map([["", ""]]);
    let current = "";
    for (const line of frontMatter.match(/[^\n]*\n/g) || []) {
      const key = /^([A-Za-z_][\w-]*)[ \t]*:/.exec(line);
      if (key) {
        current = key[1];
        blocks.set(current, line);
      } else {
        blocks.set(current, blocks.get(current) + line);
      }
    }
    return blocks;
  }

  function split(text) {
    const m = /^---[ \t]*\r?\n([\s\S]*?\r?\n)?---[ \t]*(?:\r?\n|$)/.exec(text);
    if (!m) return { frontMatter: "", body: text };
    return { frontMatter: m[1] || "", body: text.slice(m[0].length) };
  }

  // YAML aliases (*name) repeat a group: nested, a few lines can stand for millions of
  // values and hang the page. Releases never need them; such a file is opened elsewhere.
  function refuseRepeats(value, seen = new WeakSet()) {
    if (!value || typeof value !== "object") return;
    if (seen.has(value)) {
      throw new Error("This file repeats a group with a YAML alias (*): open it in GitHub's editor.");
    }
    seen.add(value);
    for (const item of Object.values(value)) refuseRepeats(item, seen);
  }

  function fromFile(text) {
    const { frontMatter, body } = split(text);
    const parsed = jsyaml.load(frontMatter, { schema: jsyaml.CORE_SCHEMA }) || {};
    refuseRepeats(parsed);
    const values = clean(parsed);
    sources.push({ text, frontMatter, body, values, blocks: blocksOf(frontMatter) });
    const read = { ...parsed, body, [SOURCE]: String(sources.length - 1) };
    // Dates in different zones sort by the instant they name, not by their text.
    const t = epoch(parsed.date);
    if (t !== null) read[SORT] = new Date(t).toISOString();
    return read;
  }

  function toFile(data, fieldsOrder = []) {
    const source = sources[Number(data[SOURCE])];
    const { body = "", [SOURCE]: _s, [YEAR]: _y, [SORT]: _t, ...fields } = data;
    const values = clean(fields);
    if (source && canonical(values) === canonical(source.values) && body === source.body) {
      return source.text; // nothing changed: the file stays byte for byte as it was
    }
    const order = source ? [...source.blocks.keys()] : [];
    for (const key of [...fieldsOrder, ...Object.keys(values)]) {
      if (!order.includes(key)) order.push(key);
    }
    let front = source ? source.blocks.get("") : "";
    for (const key of order) {
      if (!(key in values)) continue;
      // A switch left off in a new field is the default: not written, like a blank field.
      if (values[key] === false && !(source && key in source.values)) continue;
      const same = source && key in source.values &&
        canonical(values[key]) === canonical(source.values[key]);
      front += same ? source.blocks.get(key) : block(key, values[key]);
    }
    const text = body.endsWith("\n") || body === "" ? body : `${body}\n`;
    return `---\n${front}---\n${text}`;
  }

  // --- the publication-time widget -----------------------------------------------------

  // The three controls' values; an instant written with an offset shows its date and time
  // and the site's zone, and is rewritten only when the author changes one of them.
  function partsOf(value, zone) {
    const text = String(value || "").trim();
    const m = ZONED.exec(text) || OFFSET.exec(text);
    if (!m) return { date: "", time: "", zone };
    const named = ZONED.test(text);
    return {
      date: `${m[1]}-${pad(m[2])}-${pad(m[3])}`,
      time: `${pad(m[4])}:${m[5]}`,
      zone: named ? m[7] : zone,
    };
  }

  const InstantControl = createClass({
    getInitialState() {
      return partsOf(this.props.value, this.props.field.get("default_zone"));
    },
    isValid() {
      const value = this.props.value;
      if (!value || epoch(value) !== null) return true;
      return { error: { message: "Choose a date, a time and a time zone." } };
    },
    change(part, text) {
      const next = { ...this.state, [part]: text };
      this.setState(next);
      const complete = next.date && next.time && next.zone;
      this.props.onChange(complete ? `${next.date} ${next.time} ${next.zone}` : "");
    },
    render() {
      const { forID, classNameWrapper, setActiveStyle, setInactiveStyle, field } = this.props;
      const zones = field.get("zones").toJS();
      // A zone the list lacks (written by hand, like Etc/UTC) stays selectable as it is.
      if (this.state.zone && !zones.includes(this.state.zone)) zones.unshift(this.state.zone);
      const common = { onFocus: setActiveStyle, onBlur: setInactiveStyle };
      return h(
        "div",
        { className: classNameWrapper, style: { display: "flex", gap: "0.5rem", flexWrap: "wrap" } },
        h("input", {
          ...common, id: forID, type: "date", "aria-label": "Date", value: this.state.date,
          onChange: (e) => this.change("date", e.target.value),
        }),
        h("input", {
          ...common, type: "time", step: 60, "aria-label": "Time", value: this.state.time,
          onChange: (e) => this.change("time", e.target.value),
        }),
        h(
          "select",
          {
            ...common, "aria-label": "Time zone", value: this.state.zone,
            onChange: (e) => this.change("zone", e.target.value),
          },
          zones.map((zone) => h("option", { key: zone, value: zone }, zone)),
        ),
      );
    },
  });

  const InstantPreview = createClass({
    render() {
      return h("span", {}, this.props.value || "");
    },
  });

  // --- the preview pane ----------------------------------------------------------------

  const ReleasePreview = createClass({
    render() {
      const { entry, widgetFor, getAsset, fields } = this.props;
      const get = (...path) => entry.getIn(["data", ...path]);
      const state = stateOf(get("date"), get("status") || "published");
      const banner =
        state === "draft" ? "DRAFT — NOT FOR PUBLICATION"
        : state.startsWith("embargoed") ? `EMBARGOED UNTIL ${get("date")}`.toUpperCase()
        : null;
      const image = get("image", "file");
      const group = fields.find((f) => f.get("name") === "image");
      const field = group && group.get("fields").find((f) => f.get("name") === "file");
      const asset = image ? getAsset(image, field) : null;
      const credit = get("image", "credit");
      const caption = get("image", "caption");
      return h(
        "article",
        { className: "wrap release" },
        banner ? h("p", { className: "embargo-banner", role: "alert" }, banner) : null,
        h(
          "header",
          { className: "release-header" },
          h("h1", {}, get("title") || ""),
          get("subtitle") ? h("p", { className: "subtitle" }, get("subtitle")) : null,
          h(
            "p",
            { className: "release-meta" },
            get("dateline") ? h("span", { className: "dateline" }, get("dateline")) : null,
            get("dateline") ? " — " : null,
            h("time", {}, get("date") || ""),
          ),
        ),
        h(
          "div",
          { className: "release-main" },
          asset
            ? h(
                "figure",
                { className: "lead-image" },
                h("img", { src: asset.toString(), alt: get("image", "alt") || "" }),
                caption || credit
                  ? h(
                      "figcaption",
                      {},
                      caption ? h("span", {}, caption) : null,
                      credit ? h("span", { className: "credit" }, credit) : null,
                    )
                  : null,
              )
            : null,
          h("div", { className: "prose release-body" }, widgetFor("body")),
        ),
      );
    },
  });

  // --- the list: draft, embargoed until …, live ----------------------------------------

  // The collection's summary ends in "· <date> · <status>" (cms.py); say what it means now.
  const SUMMARY = /^(.*) · (\d{4}-[^·]*?) · (published|draft|withdrawn)$/;

  function relabel(root) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const m = SUMMARY.exec(node.nodeValue);
      if (m) {
        const state = stateOf(m[2], m[3]);
        const text = state.startsWith("embargoed")
          ? `${m[1]} · ${state}`
          : `${m[1]} · ${m[2]} · ${state}`;
        if (text !== node.nodeValue) node.nodeValue = text;
      }
    }
  }

  // --- start -----------------------------------------------------------------------------

  CMS.registerCustomFormat(FORMAT, "md", { fromFile, toFile });
  CMS.registerWidget(WIDGET, InstantControl, InstantPreview);
  CMS.registerPreviewTemplate("releases", ReleasePreview);
  const style = document.querySelector('meta[name="newsroom-preview-style"]');
  if (style) CMS.registerPreviewStyle(new URL(style.content, document.baseURI).href);
  // A group filled in without a field it needs (cms.NEEDED_IN_GROUP): the reason, in words.
  function missingInGroups(data, fields) {
    const missing = [];
    for (const group of fields) {
      const value = data[group.name];
      if (group.widget !== "object" || !value || isEmpty(clean(value))) continue;
      for (const field of group.fields || []) {
        if (field.needed_in_group && isEmpty(clean(value[field.name]))) {
          missing.push(`${group.label}: ${field.label} is needed when ${group.label} is filled in.`);
        }
      }
    }
    return missing;
  }

  let releaseFields = [];

  // A new release goes in the folder of its own year, not the year it was written in.
  CMS.registerEventListener({
    name: "preSave",
    handler: ({ entry }) => {
      // A file the editor could not read opens as an empty form: saving it would replace
      // what the file holds with that form, so it is refused.
      if (!entry.get("newRecord") && entry.getIn(["data", SOURCE]) === undefined) {
        throw new Error(
          "The editor could not read this file, so saving here would replace what it holds. " +
            "Open it in GitHub's editor: the check in the pull request names the line to fix.",
        );
      }
      const missing = missingInGroups(entry.get("data").toJS(), releaseFields);
      if (missing.length) throw new Error(missing.join(" "));
      const m = INSTANT.exec(entry.getIn(["data", "date"]) || "");
      const year = m ? m[1].slice(0, 4) : String(new Date().getUTCFullYear());
      return entry.get("data").set(YEAR, year);
    },
  });
  new MutationObserver(() => relabel(document.body)).observe(document.documentElement, {
    childList: true,
    subtree: true,
  });
  // The configuration is read here rather than by Decap, which ignores a config.yml that a
  // host serves without a YAML content type (GitHub Pages and nginx send octet-stream).
  // On this machine (invoke serve --editor) the editor saves to the local repository through
  // the development server; anywhere else Decap ignores local_backend and signs in to GitHub.
  async function start() {
    const link = document.querySelector('link[rel="cms-config-url"]');
    const response = await fetch(link.href, { credentials: "same-origin" });
    const config = jsyaml.load(await response.text(), { schema: jsyaml.CORE_SCHEMA });
    config.load_config_file = false;
    releaseFields = config.collections.find((c) => c.name === "releases").fields;
    if (["localhost", "127.0.0.1"].includes(window.location.hostname)) {
      config.local_backend = { url: `${window.location.origin}/api/v1` };
    }
    CMS.init({ config });
  }
  start();
})();
