"""Search across the whole network, in Russian, offline (Pagefind; docs/search.md).

Three parts:

- **planning** (:func:`search_section`): every site gets our search box (templates/partials/un-search.html,
  ``write/static/un-search.js`` + ``.css``) and a :class:`SearchView` telling it where the index is;
- **records** (:func:`index_site`, called by the builder for each site it rendered): the text of the
  site's posts and pages (what the templates mark ``data-pagefind-body``) becomes *records* (canonical URL,
  text, title, organisation, date; filters ``org`` (slug), ``category``, ``year``; sort ``date``), kept as
  JSON per site in the output's manifest folder;
- **the network index** (:func:`index_network`, called once before the new output is published): the
  records of every site, carried from the published output for sites not re-rendered (they are not read
  again), indexed by Pagefind into the root site's ``pagefind/`` in *shards* (:func:`write_network_index`):
  K bundles ``pagefind/<n>/``, a site's records in shard ``shard_of(slug, K)``, K the smallest power of two
  with at most :data:`SHARD_RECORDS` records a shard on average. A shard whose sites' records did not change
  is carried from the published index (hard links); only the changed ones are indexed again, one after
  another, each by a new Pagefind process (its memory is one shard's). The browser (``un-search.js``) reads
  ``pagefind/shards.json`` and merges (Pagefind's ``mergeIndex``) only the shards a search needs: its own
  site's shard (filter ``org: <slug>``), the shards of its subtree («по нашей организации и её членским»,
  ``org: any of <its subtree>``), or all of them («по всей сети», unfiltered).
  Shards of one network index, not one index per site: docs/search.md has the figures (merging per-site
  indexes in the browser costs two thousand requests before the first result on network-1000).

Only what was rendered is indexed: drafts and future posts are never rendered (the planner excludes them),
so they are in no index. Results link to canonical URLs (``core/urls.py``), so both ``url_style`` layouts work.
"""

from __future__ import annotations

import atexit
import base64
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import cbor2

from union_network.core.siteplan import SitePlan
from union_network.write.assets import use_asset

if TYPE_CHECKING:  # pragma: no cover - typing only (the planner imports this module)
    from union_network.plan.planner import Planner

#: The network's index, on the root site only: ``pagefind/<n>/`` for its shards, ``pagefind/shards.json`` (how
#: many, which exist) and ``pagefind/pagefind.js`` (Pagefind's script, imported once for every shard).
NETWORK_INDEX = "pagefind"
#: Records a shard holds on average, at most: K = the smallest power of two >= records / SHARD_RECORDS
#: (:func:`shard_count`). Re-indexing one shard then costs the same on any network (about 1 ms and 100 KB of
#: Pagefind's memory a record; docs/search.md); a reader's search of the whole network loads K shards.
SHARD_RECORDS = 1000
#: In the network index: the number of shards and those that exist (a shard no site's records fall into is
#: not written); read by un-search.js.
SHARDS_FILE = "shards.json"
#: In each shard: the digest of what it was made from (its sites' records, K, Pagefind's version).
SHARD_DIGEST = "un-records.sha256"
#: In the output's manifest folder: every site's records digest and count (sha256 of its records file),
#: so a build hashes only the records of the sites it rendered.
DIGESTS_FILE = "search-digests.json"
LANGUAGE = "ru"
#: Where the records of each site are kept between builds, inside the output's manifest folder.
RECORDS_FOLDER = "search"
#: Beside the sites being rendered (in the new output): records waiting for :func:`index_network`.
STAGED_RECORDS = ".un-search-records"
#: Pagefind writes its own UIs too; ours is un-search.js, so these are dropped from every index.
UNUSED_FILES = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-highlight.js",
    "wasm.unknown.pagefind",
)

#: What a Content-Security-Policy must allow for the search (merged into every page's policy): Pagefind
#: compiles WebAssembly (``'wasm-unsafe-eval'``; without it Pagefind cannot search at all: tested in
#: tests/browser/test_search.py), and the index is on the root site: in the subdomain layout the other
#: sites import its ``pagefind.js`` and fetch its files from the root's origin (:func:`csp_sources` adds it
#: to ``script-src`` and ``connect-src``). Pagefind's Web Worker runs only on the root's own origin
#: (``worker-src 'self'``); elsewhere it searches on the page's thread.
CSP_SOURCES: dict[str, list[str]] = {
    "script-src": ["'self'", "'wasm-unsafe-eval'"],
    "worker-src": ["'self'"],
    "connect-src": ["'self'"],
}


@dataclass(frozen=True)
class SearchView:
    """What a site's search box needs (``un.search`` in templates)."""

    index: str  # URL of the network index: a path on the same origin ("/pagefind/"), absolute otherwise
    slug: str
    subtree: tuple[str, ...]  # the org and every org below it (the root: empty, its subtree is everything)
    has_members: bool  # offers that scope
    origin: str  # the root's origin, where the index is


def search_view(planner: Planner, slug: str) -> SearchView:
    urls = planner.urls
    root = planner.registry.root.slug
    origin = f"{urls.scheme}://{urls.host(root)}"
    index = urls.page(root, f"{NETWORK_INDEX}/")
    return SearchView(
        index=index[len(origin) :] if urls.host(root) == urls.host(slug) else index,
        slug=slug,
        subtree=(slug, *planner.registry.descendants(slug)) if slug != root else (),  # the root's: everything
        has_members=planner.registry.has_members(slug),
        origin=origin,
    )


def csp_sources(view: SearchView | None) -> dict[str, list[str]]:
    """:data:`CSP_SOURCES` plus the root's origin where the index is not on the site's own."""
    sources = {key: list(values) for key, values in CSP_SOURCES.items()}
    if view is not None and view.index.startswith(("http://", "https://")):
        sources["script-src"].append(view.origin)
        sources["connect-src"].append(view.origin)
    return sources


def search_section(planner: Planner, plan: SitePlan) -> None:
    """Every site: the search box's script and style, and where its indexes are."""
    use_asset(plan, "un-search.js")
    use_asset(plan, "un-search.css")
    plan.search = search_view(planner, plan.slug)


# -- records: the indexed text of rendered pages -----------------------------------------
# The pages are our templates' output (well-formed, tags closed), so a few regular expressions read them:
# ten times faster than an HTML parser, which mattered (the records of network-200 are 18 MB of HTML).
_CANONICAL = re.compile(r'<link rel="canonical" href="([^"]+)"')
_VOID = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"]
)
_CAPTURE = re.compile(r'<([a-z0-9]+)\b[^>]*?\bdata-pagefind-(meta|filter|sort)="([^"]+)"[^>]*>(.*?)</\1>', re.S)
_DROPPED = re.compile(r"<(script|style|template|noscript|svg)\b.*?</\1\s*>", re.S | re.I)
_BLOCK_TAG = re.compile(
    r"</?(?:address|article|aside|blockquote|br|dd|div|dl|dt|figcaption|figure|footer|h[1-6]|header|hr|li|"
    r"main|nav|ol|p|pre|section|table|td|th|tr|ul)\b[^>]*>",
    re.I,
)
_TAG = re.compile(r"<[^>]*>")


def _element_end(html: str, start: int) -> int:
    """Where the element whose start tag begins at ``start`` ends (after its end tag; the end of ``html``
    when it is not closed)."""
    name = re.match(r"<([a-zA-Z][a-zA-Z0-9]*)", html[start:])
    if name is None:
        return start + 1
    tag = name.group(1).lower()
    opened = html.index(">", start) + 1
    if tag in _VOID:
        return opened
    depth = 1
    for match in re.finditer(rf"<(/?){tag}\b[^>]*>", html[opened:], re.I):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return opened + match.end()
    return len(html)


def _text(html: str) -> str:
    html = _BLOCK_TAG.sub("\n", _DROPPED.sub("", html))
    lines = (" ".join(unescape(_TAG.sub("", line)).split()) for line in html.split("\n"))
    return "\n".join(line for line in lines if line)


def extract_record(html: str) -> dict[str, Any] | None:
    """The search record of one rendered page (what Pagefind would read: the ``data-pagefind-body``
    element's text less ``data-pagefind-ignore`` elements and scripts, and the ``data-pagefind-meta``,
    ``-filter`` and ``-sort`` elements' text), or None when the page has no indexed content."""
    at = html.find("data-pagefind-body")
    canonical = _CANONICAL.search(html, 0, at if at >= 0 else 0)
    if at < 0 or canonical is None:
        return None
    start = html.rfind("<", 0, at)
    body = html[start : _element_end(html, start)]
    meta: dict[str, str] = {}
    filters: dict[str, list[str]] = {}
    sort: dict[str, str] = {}
    for _tag, kind, key, inner in _CAPTURE.findall(body):
        value = " ".join(unescape(_TAG.sub("", inner)).split())
        if not value:
            continue
        if kind == "meta":
            meta[key] = value
        elif kind == "filter":
            filters.setdefault(key, []).append(value)
        else:
            sort[key] = value
    while (at := body.find("data-pagefind-ignore")) >= 0:  # cut ignored elements out, nested ones with them
        begin = body.rfind("<", 0, at)
        body = body[:begin] + body[_element_end(body, begin) :]
    return {
        "url": unescape(canonical.group(1)),
        "content": _text(body),
        "meta": meta,
        "filters": {key: sorted(set(values)) for key, values in filters.items()},
        "sort": sort,
    }


def _rendered(site_dir: Path, src_uri: str) -> Path | None:
    """The HTML file MkDocs wrote for a Markdown source (directory URLs or not)."""
    stem = src_uri.removesuffix(".md")
    for candidate in (
        "index.html" if stem == "index" else f"{stem.removesuffix('/index')}/index.html",
        f"{stem}.html",
    ):
        if (site_dir / candidate).is_file():
            return site_dir / candidate
    return None


def site_records(plan: SitePlan, site_dir: Path) -> list[dict[str, Any]]:
    """Records of the site's own posts and Markdown pages (generated lists are not read: they are never
    indexed), in a stable order. Their filters come from templates/partials/un-search-meta.html."""
    sources = sorted({src for _, src in plan.nav if src not in plan.pages} | set(plan.own_posts))
    records = []
    for src in sources:
        path = _rendered(site_dir, src)
        record = extract_record(path.read_text(encoding="utf-8")) if path else None
        if record is not None:
            records.append(record)
    return records


# -- writing indexes with Pagefind ---------------------------------------------------------
class PagefindError(RuntimeError):
    pass


class _Service:
    """Pagefind's indexing service (``pagefind --service``, the binary of the ``pagefind[bin]`` wheel),
    spoken to directly: requests and answers are base64 JSON ended by a comma. (The ``pagefind`` package's
    asyncio client polls for each answer every 100 ms: 2 s for a site of 20 pages; this takes milliseconds.)
    Requests are sent in batches, each batch's answers read before the next, so no pipe fills up."""

    BATCH = 200

    def __init__(self) -> None:
        from pagefind.service import get_executable

        binary = get_executable()
        if binary is None:
            raise PagefindError("не найдена программа Pagefind (пакет pagefind[bin])")
        # Pagefind's thread pools size themselves by the host's processors, not the cores this process may
        # use: on a 2-core container it started 400 threads and spent 3x the CPU time. Sized to our cores.
        cores = str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
        env = {"RAYON_NUM_THREADS": cores, "TOKIO_WORKER_THREADS": cores} | dict(os.environ)
        self._process = subprocess.Popen(
            [str(binary), "--service"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        self._next_id = 0
        self._buffer = bytearray()

    def requests(self, payloads: list[dict[str, Any]]) -> list[dict[str, Any]]:
        assert self._process.stdin is not None
        answers: list[dict[str, Any]] = []
        for start in range(0, len(payloads), self.BATCH):
            batch = payloads[start : start + self.BATCH]
            data = bytearray()
            for payload in batch:
                self._next_id += 1
                message = {"message_id": self._next_id, "payload": payload}
                data += base64.b64encode(json.dumps(message).encode("utf-8")) + b","
            self._process.stdin.write(bytes(data))
            self._process.stdin.flush()
            for _ in batch:
                answer = self._read_one()["payload"]
                if answer.get("type") == "Error":
                    raise PagefindError(f"Pagefind: {answer.get('message')}")
                answers.append(answer)
        return answers

    def peak_mb(self) -> float:
        """The process's peak resident memory so far (Linux ``VmHWM``; 0 where unknown)."""
        try:
            status = Path(f"/proc/{self._process.pid}/status").read_text(encoding="ascii")
        except OSError:
            return 0.0
        found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
        return round(int(found.group(1)) / 1024, 1) if found else 0.0

    def _read_one(self) -> dict[str, Any]:
        """The next answer: base64 JSON ended by a comma. Read in chunks (one byte at a time cost
        seconds on a network index: millions of reads)."""
        assert self._process.stdout is not None
        while True:
            end = self._buffer.find(b",")
            if end >= 0:
                raw = bytes(self._buffer[:end])
                del self._buffer[: end + 1]
                return json.loads(base64.b64decode(raw))
            chunk = os.read(self._process.stdout.fileno(), 1 << 16)  # what the pipe holds, up to 64 KiB
            if not chunk:
                raise PagefindError("Pagefind завершился во время индексирования")
            self._buffer += chunk

    def close(self) -> None:
        """End the service the way it ends itself: at the end of its input. Pagefind answers ``WriteFiles``
        before its last files are on disk (seen under load: a fragment left empty when the process was
        terminated at once); on its input's end it exits once they are (in milliseconds)."""
        _timing["pagefind_peak_mb"] = max(_timing["pagefind_peak_mb"], self.peak_mb())
        if self._process.stdin:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            self._process.terminate()
            self._process.wait()


_service: _Service | None = None


def _shared_service() -> _Service:
    """The Pagefind process (started on first use; :func:`close_service` ends it)."""
    global _service
    if _service is None or _service._process.poll() is not None:
        _service = _Service()
        if not _exit_hook:
            _exit_hook.append(atexit.register(close_service))
    return _service


_exit_hook: list[Any] = []


def close_service() -> None:
    global _service
    if _service is not None:
        _service.close()
        _service = None


def write_index(records: list[dict[str, Any]], folder: Path) -> None:
    """Write a Pagefind index of ``records`` into ``folder`` (replacing it whole)."""
    tmp = folder.with_name(f".{folder.name}.new-{os.getpid()}")
    prepare_index(records, tmp)
    install_index(tmp, folder)


def install_index(tmp: Path, folder: Path) -> None:
    """Put an index made by :func:`prepare_index` in place of ``folder`` (two renames)."""
    old = folder.with_name(f".{folder.name}.old-{os.getpid()}")
    if folder.exists():
        folder.rename(old)
    tmp.rename(folder)
    shutil.rmtree(old, ignore_errors=True)


def prepare_index(records: list[dict[str, Any]], tmp: Path) -> None:
    """Write a Pagefind index of ``records`` into the new folder ``tmp`` (reproducible bytes). Pagefind
    sometimes leaves a file it wrote empty (seen under load, about once in a hundred indexes, whether its
    process is ended at once or exits by itself): the index is then written again, up to three times."""
    for attempt in range(3):
        shutil.rmtree(tmp, ignore_errors=True)
        _write_files(records, tmp)
        for name in UNUSED_FILES:
            (tmp / name).unlink(missing_ok=True)
        broken = _unwritten(tmp)
        if broken is None:
            break
        if attempt == 2:
            raise PagefindError(f"{broken}: Pagefind не дописал файл индекса")
    reproducible(tmp)


def _write_files(records: list[dict[str, Any]], tmp: Path) -> None:
    service = _shared_service()
    try:
        (created,) = service.requests([{"type": "NewIndex", "config": {"force_language": LANGUAGE}}])
        index_id = created["index_id"]
        service.requests(
            [
                {
                    "type": "AddRecord",
                    "index_id": index_id,
                    "url": record["url"],
                    "content": record["content"],
                    "language": LANGUAGE,
                    "meta": record["meta"],
                    "filters": record["filters"],
                    "sort": record["sort"] or None,
                }
                for record in records
            ]
        )
        service.requests([{"type": "WriteFiles", "index_id": index_id, "output_path": str(tmp)}])
    finally:
        # One process an index: its memory goes with it (Pagefind keeps a deleted index's memory: one
        # process grew from 360 to 570 MB over four indexes).
        close_service()


def _unwritten(index: Path) -> Path | None:
    """A file of a new index that is not whole (empty; a gzip data file that does not decompress; a script
    or JSON cut short), or None."""
    for path in sorted(index.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        try:
            if not data:
                return path
            if path.suffix.startswith(".pf_") or path.suffix == ".pagefind":
                gzip.decompress(data)
            elif path.suffix == ".js" and not data.rstrip().endswith((b";", b"}")):
                return path
            elif path.suffix == ".json":
                json.loads(data)
        except (OSError, EOFError, ValueError):
            return path
    return None


#: Time spent indexing in this process since the last :func:`index_network` (bench/bench.py reports it).
_timing = {"extract": 0.0, "network": 0.0, "extracted_sites": 0, "pagefind_peak_mb": 0.0}
#: When set, the file the build writes its indexing figures to (bench/bench.py; never in the output,
#: which must stay byte-identical from build to build).
STATS_ENV = "UNION_NETWORK_SEARCH_STATS"


SIGNATURE = b"pagefind_dcd"  # what every Pagefind data file starts with, once gunzipped


def _read_pf(path: Path) -> Any:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise PagefindError(f"{path.name}: не файл Pagefind")
    return cbor2.loads(data[len(SIGNATURE) :])


def _write_pf(template: Path, language: str, value: Any, digits: int) -> str:
    """Write ``value`` as Pagefind does (signature + CBOR, gzipped: here without a time stamp) to
    ``template`` with ``{}`` replaced by ``<language>_<hash of the content>``; returns that name part."""
    data = SIGNATURE + cbor2.dumps(value)
    digest = f"{language}_{hashlib.sha256(data).hexdigest()[:digits]}"
    template.with_name(template.name.format(digest)).write_bytes(gzip.compress(data, mtime=0))
    return digest


def reproducible(index: Path) -> None:
    """Make two indexes of the same records byte-identical (DESIGN §7): Pagefind writes each filter's
    values, and the filters in its metadata, in hash-map order, which changes from run to run. The filter
    files and the metadata are rewritten in sorted order, renamed by their new content, and
    ``pagefind-entry.json`` pointed at the new metadata."""
    entry_path = index / "pagefind-entry.json"
    for _ in range(100):  # seen once under heavy load: the service answered before the file was written
        try:
            entry = json.loads(entry_path.read_text(encoding="utf-8"))
            break
        except (OSError, ValueError):
            time.sleep(0.1)
    else:
        raise PagefindError(f"{entry_path}: Pagefind не записал индекс")
    for language, info in entry["languages"].items():
        meta_path = index / f"pagefind.{info['hash']}.pf_meta"
        meta = _read_pf(meta_path)
        renamed: dict[str, str] = {}
        for _name, digest in meta[3]:  # [version, pages, index chunks, filters, sorts, meta fields]
            path = index / "filter" / f"{digest}.pf_filter"
            values = _read_pf(path)
            values[1] = sorted(values[1], key=lambda pair: pair[0])
            path.unlink()
            renamed[digest] = _write_pf(index / "filter" / "{}.pf_filter", language, values, 7)
        meta[3] = sorted(([name, renamed[digest]] for name, digest in meta[3]), key=lambda pair: pair[0])
        meta[4] = sorted(meta[4], key=lambda pair: pair[0])
        meta[5] = sorted(meta[5])
        meta_path.unlink()
        info["hash"] = _write_pf(index / "pagefind.{}.pf_meta", language, meta, 10)
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def index_site(plan: SitePlan, site_dir: Path) -> None:
    """After a site was rendered into ``site_dir``: its records, staged beside it
    (``<staging>/.un-search-records/<slug>.json``) for :func:`index_network`."""
    started = time.perf_counter()
    records = site_records(plan, site_dir)
    staged = site_dir.parent / STAGED_RECORDS
    staged.mkdir(exist_ok=True)
    (staged / f"{plan.slug}.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    _timing["extract"] += time.perf_counter() - started
    _timing["extracted_sites"] += 1


# -- the network index, in shards ------------------------------------------------------------
def shard_count(records: int) -> int:
    """K: the smallest power of two with at most :data:`SHARD_RECORDS` records a shard on average (a power of
    two, so a network that grows past a threshold doubles K once, not at every :data:`SHARD_RECORDS`)."""
    k = 1
    while k * SHARD_RECORDS < records:
        k *= 2
    return k


def slug_hash(slug: str) -> int:
    """A 32-bit hash of a slug, the same in un-search.js (``shardOf``): FNV-1a over its UTF-8 bytes, then
    MurmurHash3's finaliser (so the low bits, which ``mod K`` keeps, depend on every byte)."""
    h = 0x811C9DC5
    for byte in slug.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & 0xFFFFFFFF
    return h ^ (h >> 16)


def shard_of(slug: str, k: int) -> str:
    """The shard holding site ``slug``'s records (its folder name under ``pagefind/``): stable for a given K."""
    return str(slug_hash(slug) % k)


def _pagefind_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pagefind_bin")
    except PackageNotFoundError:  # pragma: no cover - the binary comes from another package
        return "?"


def write_network_index(
    kept: Path, sites: dict[str, tuple[str, int]], target: Path, published: Path | None
) -> dict[str, int]:
    """Write the network index of the records kept in ``kept`` (``<slug>.json``) for ``sites`` (slug ->
    (digest, records), :func:`keep_records`) into the new folder ``target``, shard by shard. A shard made
    from the same records as the one of the published index ``published`` (its :data:`SHARD_DIGEST`) is
    hard-linked from it; the others are indexed by Pagefind, one after another, each by a new Pagefind
    process (Pagefind's memory is not given back when an index is deleted: 360 -> 570 MB over four
    indexes in one process), so its peak memory is that of the largest shard indexed. Returns the counts."""
    k = shard_count(sum(count for _, count in sites.values()))
    shards: dict[str, list[str]] = {}
    for slug in sorted(sites):
        if sites[slug][1]:
            shards.setdefault(shard_of(slug, k), []).append(slug)
    version = _pagefind_version()
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    counts = {"shards": len(shards), "shards_indexed": 0, "shards_carried": 0, "indexed_records": 0}
    script = target / "pagefind.js"
    for name in sorted(shards, key=int):
        lines = [f"{slug} {sites[slug][0]}\n" for slug in shards[name]]
        digest = hashlib.sha256(f"union-network shard 1\n{version}\n{k}\n{''.join(lines)}".encode()).hexdigest()
        folder = target / name
        before = published / name if published is not None else None
        if before is not None and _read_digest(before) == digest:
            _link_tree(str(before), str(folder))  # never written in place
            counts["shards_carried"] += 1
            continue
        records: list[dict[str, Any]] = []
        for slug in shards[name]:
            records.extend(json.loads((kept / f"{slug}.json").read_text(encoding="utf-8")))
        try:
            prepare_index(records, folder)
        finally:
            close_service()  # a new process for the next shard: its memory back now
        if script.exists():  # one pagefind.js for every shard (Pagefind writes the same into each)
            (folder / "pagefind.js").unlink()
        else:
            (folder / "pagefind.js").replace(script)
        (folder / SHARD_DIGEST).write_text(digest + "\n", encoding="utf-8")
        counts["shards_indexed"] += 1
        counts["indexed_records"] += len(records)
    if shards and not script.exists():  # every shard carried: so is the script
        assert published is not None
        _link_or_copy(str(published / "pagefind.js"), str(script))
    index = {"shards": k, "indexes": sorted(shards, key=int)}
    (target / SHARDS_FILE).write_text(json.dumps(index, separators=(",", ":")) + "\n", encoding="utf-8")
    return counts


def _read_digest(shard: Path) -> str | None:
    try:
        return (shard / SHARD_DIGEST).read_text(encoding="utf-8").strip()
    except OSError:
        return None


def _link_tree(source: str, copy: str) -> None:
    """``copy`` (new) becomes a copy of the folder ``source`` made of hard links: a shard (3 folders, a file a
    page) at about 15 µs a file (``shutil.copytree`` takes twice as long)."""
    os.mkdir(copy)
    with os.scandir(source) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                _link_tree(entry.path, os.path.join(copy, entry.name))
            else:
                _link_or_copy(entry.path, os.path.join(copy, entry.name))


def _link_or_copy(source: str, copy: str) -> None:
    try:  # a hard link, as for the unchanged sites' files (build/publish.py)
        os.link(source, copy)
    except OSError:
        shutil.copyfile(source, copy)


def index_network(
    out: Path, previous: Path | None, root_slug: str | None, manifest_dir: str, *, now: bool = True
) -> None:
    """Before a new output is published (``out``: the new generation, ``previous``: the published one):
    keep the records of the sites rendered this time, carry those of the others from ``previous``, and
    write the network index into the root site's ``pagefind/``: the shards whose records changed indexed
    again, the others carried from the published index.

    With ``now`` False (the live preview, where an editor waits for the page, not for search) the index
    is not rewritten: a re-rendered root keeps the published one until :func:`prepare_network_index`."""
    sites = keep_records(out, previous, manifest_dir)
    if not root_slug or not (out / root_slug).is_dir():
        return
    published = previous / root_slug / NETWORK_INDEX if previous is not None else None
    if published is not None and not (published / SHARDS_FILE).is_file():
        published = None  # none yet, or one index of an older version: nothing to carry
    if not now:
        target = out / root_slug / NETWORK_INDEX
        if published is not None and not target.exists():
            _link_tree(str(published), str(target))  # hard links: never written in place
        return
    started = time.perf_counter()
    counts = write_network_index(out / manifest_dir / RECORDS_FOLDER, sites, out / root_slug / NETWORK_INDEX, published)
    _timing["network"] = time.perf_counter() - started
    stats = {key: round(value, 3) for key, value in _timing.items()}
    stats |= {"network_records": sum(count for _, count in sites.values()), **counts}
    if os.environ.get(STATS_ENV):
        Path(os.environ[STATS_ENV]).write_text(json.dumps(stats, indent=1) + "\n", encoding="utf-8")
    _timing.update(extract=0.0, network=0.0, extracted_sites=0, pagefind_peak_mb=0.0)


def prepare_network_index(out: Path, manifest_dir: str, tmp: Path, published: Path | None = None) -> None:
    """A network index of a published output's kept records (after a build with
    ``index_network(..., now=False)``), written into ``tmp`` for :func:`install_index`; the shards of the
    index ``published`` (the output's own, stale) whose records did not change are carried."""
    sites = _read_digests(out / manifest_dir / DIGESTS_FILE)
    sites = {slug: known for slug, known in sites.items() if (out / slug).is_dir()}
    if published is not None and not (published / SHARDS_FILE).is_file():
        published = None
    write_network_index(out / manifest_dir / RECORDS_FOLDER, sites, tmp, published)


def _read_digests(path: Path) -> dict[str, tuple[str, int]]:
    try:
        known = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {slug: (digest, count) for slug, (digest, count) in known.items()}


def keep_records(out: Path, previous: Path | None, manifest_dir: str) -> dict[str, tuple[str, int]]:
    """Every site's search records in ``out``'s manifest folder: those staged by this build's renders,
    the others carried from ``previous``. Returns every site's (digest, number of records), also kept in
    :data:`DIGESTS_FILE`: the records of carried sites are not read again."""
    kept = out / manifest_dir / RECORDS_FOLDER
    kept.mkdir(parents=True, exist_ok=True)
    staged = out / STAGED_RECORDS
    if staged.is_dir():
        for path in staged.glob("*.json"):
            path.replace(kept / path.name)
        shutil.rmtree(staged)
    started = time.perf_counter()
    known = _read_digests(previous / manifest_dir / DIGESTS_FILE) if previous is not None else {}
    sites: dict[str, tuple[str, int]] = {}
    for slug in sorted(d.name for d in out.iterdir() if d.is_dir() and not d.name.startswith(".")):
        path = kept / f"{slug}.json"
        carried = previous / manifest_dir / RECORDS_FOLDER / path.name if previous else None
        if not path.is_file() and carried is not None and carried.is_file():
            _link_or_copy(str(carried), str(path))
            if slug in known:
                sites[slug] = known[slug]
                continue
        if not path.is_file():  # an output written before the search existed: read the site once
            path.write_text(json.dumps(_records_of_files(out / slug), ensure_ascii=False), encoding="utf-8")
        data = path.read_bytes()
        sites[slug] = (hashlib.sha256(data).hexdigest(), len(json.loads(data)))
    (out / manifest_dir / DIGESTS_FILE).write_text(
        json.dumps({slug: list(known) for slug, known in sites.items()}, indent=0) + "\n", encoding="utf-8"
    )
    _timing["extract"] += time.perf_counter() - started
    return sites


def merge_network(out: Path, sources: dict[str, Path], manifest_dir: str) -> None:
    """Shard outputs merged into ``out`` (``sources``: slug -> the shard output holding it): their records
    together, and the network index of them all on the root site (the one whose shard indexed it)."""
    kept = out / manifest_dir / RECORDS_FOLDER
    kept.mkdir(parents=True, exist_ok=True)
    root = None
    for slug, shard in sources.items():
        records = shard / manifest_dir / RECORDS_FOLDER / f"{slug}.json"
        if records.is_file():
            shutil.copyfile(records, kept / records.name)
        if (shard / slug / NETWORK_INDEX / SHARDS_FILE).is_file():
            root = slug
    index_network(out, None, root, manifest_dir)


def _records_of_files(site_dir: Path) -> list[dict[str, Any]]:
    records = []
    for path in sorted(site_dir.rglob("*.html")):
        if path.relative_to(site_dir).parts[0] != NETWORK_INDEX:
            record = extract_record(path.read_text(encoding="utf-8"))
            if record is not None:
                records.append(record)
    return records
