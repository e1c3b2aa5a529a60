// Search results from Pagefind's JS API, drawn with DOM APIs: no inline script or style,
// so the page works under the site's Content-Security-Policy (plugins/newsroom/headers.py).
const form = document.querySelector("form[data-search]");
const input = form.querySelector("input[name=q]");
const filtersBox = form.querySelector(".search-filters");
const selects = [...form.querySelectorAll("select[data-filter]")];
const status = document.querySelector(".search-status");
const list = document.querySelector(".search-results");
const lang = document.documentElement.lang;
const plural = new Intl.PluralRules(lang);
// The index of the page's language comes in parts, newest first (plugins/newsroom/search.py).
const bundles = form.dataset.bundles
  .split(" ")
  .filter(Boolean)
  .map((folder) => new URL(folder, document.baseURI).href);
const NEWEST = { published: "desc" }; // the UTC go-live instant, as text (article.html)
let pagefind;
let latest = 0;

function element(tag, text, attributes = {}) {
  const node = document.createElement(tag);
  if (text) node.textContent = text;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

async function fillFilters() {
  const available = pagefind ? await pagefind.filters() : {};
  for (const select of selects) {
    const name = select.dataset.filter;
    const values = Object.keys(available[name] || {}).sort();
    if (name === "year") values.reverse();
    for (const value of values) {
      select.append(element("option", value, { value }));
    }
  }
  filtersBox.hidden = false;
}

function chosenFilters() {
  const chosen = {};
  for (const select of selects) {
    if (select.value) chosen[select.dataset.filter] = select.value;
  }
  return chosen;
}

function showResult(data) {
  const item = element("li");
  const heading = element("h2");
  heading.append(element("a", data.meta.title || data.url, { href: data.url }));
  item.append(heading);
  if (data.meta.date) item.append(element("time", data.meta.date));
  if (data.meta.summary) item.append(element("p", data.meta.summary));
  return item;
}

// Newest first, like every list on the site. Pagefind orders the results of merged parts by
// score, and a sorted result's score is its place within its own part, so it would interleave
// the parts. Each part is a run of consecutive releases: newest first is each part's own
// order, newest part first. One search counts the results in each part (the part filter);
// then only the parts that hold the first results are searched, one at a time.
async function newestFirst(query, filters, wanted) {
  if (!pagefind) return { count: 0, results: [] };
  const all = await pagefind.search(query, { filters, sort: NEWEST });
  const counts = all.filters.part || {};
  const results = [];
  for (let part = 0; part < bundles.length && results.length < wanted; part++) {
    if (!counts[part]) continue;
    const only = { ...filters, part: String(part) };
    const one = await pagefind.search(query, { filters: only, sort: NEWEST });
    results.push(...one.results.slice(0, wanted - results.length));
  }
  return { count: all.results.length, results };
}

async function load() {
  if (!bundles.length) return; // no releases in this language yet
  const options = { excerptLength: 30 };
  pagefind = await import(`${bundles[0]}pagefind.js`);
  await pagefind.options({ ...options, mergeFilter: { part: "0" } });
  const others = bundles.slice(1);
  await Promise.all(
    others.map((folder, i) =>
      pagefind.mergeIndex(folder, { ...options, mergeFilter: { part: String(i + 1) } }),
    ),
  );
}

async function run() {
  const query = input.value.trim();
  const filters = chosenFilters();
  const ticket = ++latest;
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  for (const [name, value] of Object.entries(filters)) params.set(name, value);
  const address = params.toString() ? `?${params}` : location.pathname;
  history.replaceState(null, "", address);
  if (!query && !Object.keys(filters).length) {
    list.replaceChildren();
    status.textContent = "";
    return;
  }
  const { count, results } = await newestFirst(query || null, filters, 20);
  const found = await Promise.all(results.map((r) => r.data()));
  if (ticket !== latest) return;
  list.replaceChildren(...found.map(showResult));
  // One form per plural category of the page's language (search.html): the browser's
  // plural rules pick the one this number takes.
  const words = form.dataset;
  const category = plural.select(count);
  const phrase = words[`found${category[0].toUpperCase()}${category.slice(1)}`] || words.foundOther;
  status.textContent = count === 0 ? words.none : phrase.replace("{num}", count.toLocaleString(lang));
}

async function start() {
  document.querySelector(".search-nojs").hidden = true;
  await load();
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  await fillFilters();
  for (const select of selects) {
    const wanted = params.get(select.dataset.filter);
    if (wanted) select.value = wanted;
    select.addEventListener("change", run);
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  input.addEventListener("input", run);
  await run();
}

start().catch(() => {
  status.textContent = form.dataset.failed;
});
