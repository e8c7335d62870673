"""Search benchmark (issue 11, issue 14): one Pagefind index per site merged in the browser, one network
index, or the network index in shards (what a build writes now)?

``python bench/search_bench.py --orgs 200`` generates the synthetic network of bench/bench.py, makes the
search records of every published post and page straight from the Markdown (the text a build would
index, without rendering every site: what matters here is the index's size and shape), then

* builds the layouts with Pagefind and times them (wall and CPU of the Pagefind process):
  **per-site** (``<slug>/pagefind/`` for every site), **network** (one index of every record) and
  **sharded** (features/search.py's ``write_network_index``: K shards by site);
* serves them from 127.0.0.1 and, in headless Chromium, runs the same queries against each: the
  per-site layout loads the root's index and ``mergeIndex``-es every other site's; the network layout
  loads one index, searched unfiltered («по всей сети») and with ``org: <slug>`` (a site's own pages); the
  sharded layout loads the site's own shard (``org: <slug>``) or merges every shard («по всей сети»), as
  ``un-search.js`` does. ``--layout`` picks some (the per-site layout is slow: thousands of requests).
  For each query: time to the first 10 results' data, requests and bytes fetched (the first query of a
  page includes loading Pagefind; later ones reuse what was fetched).

Prints a table and writes ``bench/search-results-<orgs>.json``; docs/search.md quotes the figures.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import resource
import shutil
import sys
import threading
import time
from datetime import UTC, datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import click
import frontmatter

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench import BENCH_EPOCH, ROOT_SLUG, generate_network  # noqa: E402
from union_network.features import search  # noqa: E402

QUERIES = ["коллективный договор", "семинар", "Няндома", "охраной труда", "спартакиада"]
DOMAIN = "profsever.example"
CHROMIUM = "/usr/bin/chromium"


def _text(markdown: str) -> str:
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    return re.sub(r"[#*_>`|]", " ", text)


def network_records(root: Path) -> dict[str, list[dict]]:
    """slug -> the records a build would index: published posts and the org's pages."""
    cutoff = datetime.fromtimestamp(BENCH_EPOCH, UTC)
    folders = {ROOT_SLUG: root / "content"} | {d.name: d for d in sorted((root / "orgs").iterdir())}
    names = {}
    for slug, folder in folders.items():
        card = frontmatter.loads("---\n" + (folder / "org.yml").read_text(encoding="utf-8") + "\n---\n").metadata
        names[slug] = card.get("short_name") or card["name"]

    records: dict[str, list[dict]] = {}
    for slug, folder in folders.items():
        site = f"https://{DOMAIN}/" if slug == ROOT_SLUG else f"https://{slug}.{DOMAIN}/"
        base = {"org": [slug]}  # as templates/partials/un-search-meta.html writes it
        out = records[slug] = []
        for page in sorted(folder.glob("*.md")):
            post = frontmatter.loads(page.read_text(encoding="utf-8"))
            path = "" if page.stem == "index" else f"{page.stem}/"
            title = post.metadata.get("title") or page.stem
            out.append(
                {"url": site + path, "content": _text(post.content), "meta": {"title": title, "org": names[slug]}}
                | {"filters": base, "sort": {}}
            )
        for path in sorted((folder / "news").glob("*.md")):
            post = frontmatter.loads(path.read_text(encoding="utf-8"))
            date = post.metadata["date"]
            moment = date if isinstance(date, datetime) else datetime(date.year, date.month, date.day, tzinfo=UTC)
            if post.metadata.get("draft") or moment.astimezone(UTC) > cutoff:
                continue
            out.append(
                {
                    "url": f"{site}news/{path.stem}/",
                    "content": post.metadata["title"] + "\n" + _text(post.content),
                    "meta": {"title": post.metadata["title"], "org": names[slug], "date": str(date)[:10]},
                    "filters": base
                    | {"year": [str(date)[:4]], "category": sorted(post.metadata.get("categories") or [])},
                    "sort": {"date": str(date)},
                }
            )
    return records


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


LAYOUTS = ("per-site", "network", "sharded")
FOLDERS = {"per-site": "persite", "network": "network", "sharded": "sharded"}


def build_layouts(records: dict[str, list[dict]], work: Path, layouts: tuple[str, ...] = LAYOUTS) -> dict:
    figures = {}
    if "per-site" in layouts:
        started, cpu = time.perf_counter(), _children_cpu()
        for slug, site_records in records.items():
            search.write_index(site_records, work / "persite" / slug / "pagefind")
        search.close_service()
        figures["per-site"] = {"seconds": time.perf_counter() - started, "cpu_seconds": _children_cpu() - cpu}
    if "network" in layouts:
        started, cpu = time.perf_counter(), _children_cpu()
        everything = [r for site_records in records.values() for r in site_records]
        search.write_index(everything, work / "network" / "pagefind")
        search.close_service()
        figures["network"] = {"seconds": time.perf_counter() - started, "cpu_seconds": _children_cpu() - cpu}
    if "sharded" in layouts:
        kept = work / "sharded-records"
        kept.mkdir(parents=True, exist_ok=True)
        sites = {}
        for slug, site_records in records.items():
            data = json.dumps(site_records, ensure_ascii=False).encode("utf-8")
            (kept / f"{slug}.json").write_bytes(data)
            sites[slug] = (hashlib.sha256(data).hexdigest(), len(site_records))
        started, cpu = time.perf_counter(), _children_cpu()
        counts = search.write_network_index(kept, sites, work / "sharded" / "pagefind", None)
        figures["sharded"] = {"seconds": time.perf_counter() - started, "cpu_seconds": _children_cpu() - cpu}
        figures["sharded"] |= counts | {"pagefind_peak_mb": search._timing["pagefind_peak_mb"]}
    for name in figures:
        files = [p for p in (work / FOLDERS[name]).rglob("*") if p.is_file()]
        figures[name] |= {"files": len(files), "bytes": sum(p.stat().st_size for p in files)}
    return figures


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


PAGE = '<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>bench</title></head><body></body></html>'

SETUP = """async ([script, base, merges]) => {
  const pf = await import(script);
  await pf.options({ basePath: base, noWorker: true });
  for (const other of merges) await pf.mergeIndex(other);
  await pf.init();
  window.pf = pf;
}"""

QUERY = """async ([q, filters]) => {
  const t0 = performance.now();
  const found = await window.pf.search(q, { filters });
  await Promise.all(found.results.slice(0, 10).map(r => r.data()));
  return { ms: performance.now() - t0, results: found.results.length };
}"""


def browse(work: Path, records: dict[str, list[dict]], built: tuple[str, ...] = LAYOUTS) -> dict:
    from playwright.sync_api import sync_playwright

    (work / "index.html").write_text(PAGE, encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(work)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    own = sorted(s for s in records if s != ROOT_SLUG)[len(records) // 2]  # a primary
    layouts = {}
    if "per-site" in built:
        layouts["per-site, merged in the browser"] = [
            (
                "network",
                f"/persite/{ROOT_SLUG}/pagefind/",
                [f"/persite/{s}/pagefind/" for s in records if s != ROOT_SLUG],
                {},
            )
        ]
    if "network" in built:
        layouts["network index"] = [
            ("network", "/network/pagefind/", [], {}),
            ("own site", "/network/pagefind/", [], {"org": own}),
        ]
    if "sharded" in built:  # as un-search.js: the own site's shard first, then (network) every other
        shards = json.loads((work / "sharded/pagefind" / search.SHARDS_FILE).read_text(encoding="utf-8"))
        mine = search.shard_of(own, shards["shards"])
        others = [f"/sharded/pagefind/{n}/" for n in shards["indexes"] if n != mine]
        layouts[f"network index in {len(shards['indexes'])} shards"] = [
            ("network", f"/sharded/pagefind/{mine}/", others, {}),
            ("own site", f"/sharded/pagefind/{mine}/", [], {"org": own}),
        ]
    results: dict[str, list[dict]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for name, scopes in layouts.items():
            for scope, base, merges, filters in scopes:
                script = "/sharded/pagefind/pagefind.js" if base.startswith("/sharded/") else base + "pagefind.js"
                page = browser.new_page()
                cdp = page.context.new_cdp_session(page)
                cdp.send("Network.enable")
                counted = {"requests": 0, "bytes": 0}

                def finished(event, counted=counted):
                    counted["requests"] += 1
                    counted["bytes"] += int(event.get("encodedDataLength", 0))

                cdp.on("Network.loadingFinished", finished)
                page.goto(origin + "/index.html")
                counted.update(requests=0, bytes=0)
                started = time.perf_counter()
                page.evaluate(SETUP, [script, base, merges])
                setup = {"ms": (time.perf_counter() - started) * 1000, **counted}
                rows = [{"query": "(loading Pagefind and the index)", **setup}]
                for q in QUERIES:
                    counted.update(requests=0, bytes=0)
                    answer = page.evaluate(QUERY, [q, filters])
                    page.wait_for_timeout(50)  # let the last loadingFinished events arrive
                    rows.append({"query": q, **answer, **counted})
                results[f"{name}: {scope}"] = rows
                page.close()
        browser.close()
    server.shutdown()
    return results


@click.command()
@click.option("--orgs", default=200, show_default=True, help="primary organisations")
@click.option("--posts", default=40, show_default=True, help="posts per primary")
@click.option("--work", type=click.Path(path_type=Path), default=HERE / "work-search", show_default=True)
@click.option(
    "--results", type=click.Path(path_type=Path), default=None, help="default bench/search-results-<orgs>.json"
)
@click.option("--layout", "layouts", type=click.Choice(LAYOUTS), multiple=True, help="default: all three")
def main(orgs: int, posts: int, work: Path, results: Path | None, layouts: tuple[str, ...]) -> None:
    layouts = layouts or LAYOUTS
    work = work.resolve()
    shutil.rmtree(work, ignore_errors=True)
    net = generate_network(work / "network-src", orgs, posts, 1, source=HERE.parent)
    records = network_records(net.root_dir)
    total = sum(len(r) for r in records.values())
    click.echo(f"network: {len(records)} sites, {total} records", err=True)
    figures = build_layouts(records, work, layouts)
    for name, f in figures.items():
        click.echo(
            f"build {name:<9} {f['seconds']:7.2f} s wall, {f['cpu_seconds']:7.2f} s CPU, "
            f"{f['files']} files, {f['bytes'] / 1e6:.1f} MB",
            err=True,
        )
    browsing = browse(work, records, layouts)
    for layout, rows in browsing.items():
        click.echo(f"\n{layout}")
        for row in rows:
            click.echo(
                f"  {row['query']:<34} {row['ms']:8.0f} ms {row['requests']:6d} requests "
                f"{row['bytes'] / 1024:9.1f} KiB" + (f"  {row['results']} results" if "results" in row else "")
            )
    report = {
        "date": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "orgs": orgs,
        "posts": posts,
        "sites": len(records),
        "records": total,
        "build": figures,
        "browser": browsing,
    }
    out = results or HERE / f"search-results-{orgs}.json"
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    click.echo(f"\nwritten {out}", err=True)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
