/* union-network: the network search (features/search.py, docs/search.md).
 *
 * The network's index is on the root site (data-index), in shards: Pagefind bundles <index><n>/, a site's
 * records in shard shardOf(slug) of pagefind/shards.json's K. A search loads only the shards it needs and
 * merges them (Pagefind's mergeIndex: one WebAssembly, one ranked list): this site (its shard, filter
 * org = this org), «по нашей организации и её членским» (the shards of data-subtree, org = any of them)
 * or «по всей сети» (every shard, no filter). When this site has nothing, the network is searched at once.
 * Results are built with textContent only (titles, names and excerpts come from other organisations):
 * the excerpt's <mark> highlights are the only markup kept. No inline script, no third-party request.
 */
const box = document.querySelector("[data-un-search]");
if (box) {
  const index = box.dataset.index;
  const org = box.dataset.org;
  const subtree = box.dataset.subtree ? box.dataset.subtree.split(" ") : null; // the root's: everything
  const button = box.querySelector(".un-search__open");
  const panel = box.querySelector(".un-search__panel");
  const form = box.querySelector("form");
  const input = box.querySelector(".un-search__input");
  const status = box.querySelector(".un-search__status");
  const list = box.querySelector(".un-search__results");
  const PAGE = 10;
  let pagefind = null;
  let run = 0;
  let timer = null;

  // Pagefind never settles when it cannot compile its WebAssembly (a Content-Security-Policy without
  // 'wasm-unsafe-eval'): a violation or a time limit ends the wait, and the search says it is unavailable.
  let blocked = null;
  const forbidden = new Promise((_, reject) => { blocked = reject; });
  forbidden.catch(() => {});
  document.addEventListener("securitypolicyviolation", (event) => {
    if (event.blockedURI === "wasm-eval" || /pagefind/.test(event.blockedURI)) blocked(new Error("csp"));
  });
  const ready = (promise) => {
    const late = new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), 20000));
    late.catch(() => {});
    return Promise.race([promise, forbidden, late]).catch((error) => {
      pagefind = null; // try again on the next search
      throw error;
    });
  };

  // The shard of a site: the same hash as features/search.py (slug_hash): FNV-1a, then MurmurHash3's finaliser.
  const shardOf = (slug, k) => {
    let h = 0x811c9dc5;
    for (const byte of new TextEncoder().encode(slug)) h = Math.imul(h ^ byte, 0x01000193);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return String((h >>> 0) % k);
  };

  // pagefind/shards.json (how many shards, which exist) and Pagefind's script, fetched together.
  const load = () => {
    if (!pagefind) {
      const shards = fetch(index + "shards.json", { cache: "no-cache" }).then((response) => {
        if (!response.ok) throw new Error("shards");
        return response.json();
      });
      pagefind = ready(Promise.all([import(index + "pagefind.js"), shards]));
    }
    return pagefind;
  };

  // One Pagefind instance per set of shards (at most three: this site, the subtree, the network), its
  // first shard this site's own (so a page loads one WebAssembly file, from one URL). On another origin
  // than the index (the subdomain layout), Pagefind's worker cannot start: it then searches on this thread.
  const instances = new Map();
  const instance = (pf, names) => {
    const key = names.join(" ");
    if (!instances.has(key)) {
      const made = ready((async () => {
        const [first, ...rest] = names;
        const pfi = pf.createInstance({ basePath: index + first + "/" });
        await pfi.init();
        await Promise.all(rest.map((name) => pfi.mergeIndex(index + name + "/")));
        return pfi;
      })());
      made.catch(() => instances.delete(key)); // try again on the next search
      instances.set(key, made);
    }
    return instances.get(key);
  };

  // The shards a scope needs, this site's own first (the search's filter then keeps the scope's pages only).
  const shardsFor = (scope, shards) => {
    const exists = new Set(shards.indexes);
    const own = shardOf(org, shards.shards);
    let slugs = null; // every site
    if (scope === "site") slugs = [org];
    else if (scope === "tree" && subtree) slugs = subtree;
    const wanted = slugs ? new Set(slugs.map((slug) => shardOf(slug, shards.shards))) : exists;
    const names = [...wanted].filter((name) => exists.has(name)).sort((a, b) => a - b);
    return names.includes(own) ? [own, ...names.filter((name) => name !== own)] : names;
  };

  const plural = (n, one, few, many) => {
    const m10 = n % 10, m100 = n % 100;
    if (m10 === 1 && m100 !== 11) return one;
    if (m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14)) return few;
    return many;
  };

  const safeUrl = (url) => /^https?:\/\//i.test(url) || url.startsWith("/") ? url : "#";

  // The excerpt is Pagefind's text with <mark> around matches: parsed inertly, rebuilt from text nodes.
  const excerpt = (html, target) => {
    const doc = new DOMParser().parseFromString("<body>" + html, "text/html");
    for (const node of doc.body.childNodes) {
      if (node.nodeName === "MARK") {
        const mark = document.createElement("mark");
        mark.textContent = node.textContent;
        target.append(mark);
      } else {
        target.append(document.createTextNode(node.textContent));
      }
    }
  };

  const render = (items, offset) => {
    items.forEach((data, i) => {
      const li = document.createElement("li");
      li.className = "un-search__result";
      const a = document.createElement("a");
      a.className = "un-search__title";
      a.href = safeUrl(data.url);
      a.textContent = (data.meta && data.meta.title) || data.url;
      a.id = "un-search-r" + (offset + i);
      const meta = document.createElement("p");
      meta.className = "un-search__meta";
      meta.textContent = [data.meta && data.meta.org, data.meta && data.meta.date].filter(Boolean).join(" · ");
      const text = document.createElement("p");
      text.className = "un-search__excerpt";
      excerpt(data.excerpt || "", text);
      li.append(a, meta, text);
      list.append(li);
    });
  };

  const search = async (query, scope) => {
    const filters = scope === "site" ? { org } : scope === "tree" && subtree ? { org: { any: subtree } } : {};
    const [pf, shards] = await load();
    const names = shardsFor(scope, shards);
    if (!names.length) return { results: [], total: 0 }; // no shard holds these sites' pages
    const found = await (await instance(pf, names)).search(query, { filters });
    const results = await Promise.all(found.results.slice(0, PAGE).map((result) => result.data()));
    return { results, total: found.results.length };
  };

  const scopeLabel = { site: "на этом сайте", tree: "в нашей организации и её членских", network: "по всей сети" };

  const update = async () => {
    const query = input.value.trim();
    const scope = (form.querySelector("input[name=scope]:checked") || {}).value || "site";
    const mine = ++run;
    list.replaceChildren();
    if (!query) {
      status.textContent = "";
      return;
    }
    status.textContent = "Ищем…";
    try {
      let used = scope;
      let { results, total } = await search(query, scope);
      let note = "";
      if (!results.length && scope === "site") {
        ({ results, total } = await search(query, "network"));
        used = "network";
        note = "На этом сайте ничего не найдено. ";
      }
      if (mine !== run) return;
      render(results, 0);
      status.textContent = results.length
        ? `${note}Найдено ${scopeLabel[used]}: ${total} ${plural(total, "результат", "результата", "результатов")}` +
          (total > results.length ? `, показаны первые ${results.length}.` : ".")
        : `${note}Ничего не найдено ${scopeLabel[used]}.`;
    } catch (error) {
      if (mine === run) status.textContent = "Поиск сейчас недоступен.";
    }
  };

  const open = () => {
    panel.hidden = false;
    button.setAttribute("aria-expanded", "true");
    input.focus();
  };
  const close = () => {
    panel.hidden = true;
    button.setAttribute("aria-expanded", "false");
    button.focus();
  };

  button.hidden = false;
  button.addEventListener("click", () => (panel.hidden ? open() : close()));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    update();
  });
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(update, 200);
  });
  form.addEventListener("change", (event) => {
    if (event.target.name === "scope") update();
  });
  // Esc closes; arrow keys move between the field and the results (Tab works as usual).
  box.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !panel.hidden) {
      event.preventDefault();
      event.stopPropagation();
      close();
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const links = Array.from(list.querySelectorAll("a"));
    if (!links.length) return;
    const at = links.indexOf(document.activeElement);
    if (event.target !== input && at === -1) return;
    event.preventDefault();
    if (event.key === "ArrowDown") (links[at + 1] || links[0]).focus();
    else if (at <= 0) input.focus();
    else links[at - 1].focus();
  });
  // "/" opens the search from anywhere on the page (not while typing in a field).
  document.addEventListener("keydown", (event) => {
    const typing = event.target.closest && event.target.closest("input, textarea, select, [contenteditable]");
    if (event.key === "/" && !typing && panel.hidden) {
      event.preventDefault();
      open();
    }
  });
  const params = new URLSearchParams(location.search);
  if (params.get("q")) {
    input.value = params.get("q");
    open();
    update();
  }
}
