"""The benchmark's chart: pages, the session's size, worker counts, and Redis against the cookie."""

# A bare Figure draws with Agg, whatever display the machine has (or lacks).
from matplotlib.figure import Figure

from .cases import CEILING, GET_TARGETS, GREETING, PEER, WORKERS

# Dashed lines on the pages panel: the requests per second /get_email must reach.
TARGET_LINES = [
    (CEILING, GET_TARGETS["min_ceiling"], "--"),
    (PEER, GET_TARGETS["min_peer"], ":"),
]
COLOURS = {
    "ceiling": "#64748b",
    "peer": "#f59e0b",
    "bare": "#94a3b8",
    "cookie": "#2563eb",
    "redis": "#dc2626",
}


def pages_panel(axes, results, base):
    """Requests per second of each page at the main worker count, with the GET targets."""
    main = [result for result in results if result.case.group == "pages"]
    axes.barh(
        [result.case.name for result in main],
        [result.measurement.rps for result in main],
        color=[COLOURS.get(result.case.app, COLOURS["cookie"]) for result in main],
    )
    axes.invert_yaxis()
    axes.set(title=f"Requests per second, {WORKERS} workers", xlabel="req/s")
    drawn = [
        (name, factor, style) for name, factor, style in TARGET_LINES if (name, WORKERS) in base
    ]
    for name, factor, style in drawn:
        axes.axvline(
            factor * base[name, WORKERS].rps,
            color="#dc2626",
            linestyle=style,
            label=f"/get_email target: {factor:g}× {name}",
        )
    if drawn:
        axes.legend(loc="lower right", fontsize=8)


def growth_panel(axes, results):
    """/get_email's requests per second as its cookie grows."""
    grown = [
        result
        for result in results
        if result.case.group == "growth"
        or (result.case.name == GREETING and result.case.workers == WORKERS)
    ]
    axes.plot(
        [result.cookie_bytes for result in grown],
        [result.measurement.rps for result in grown],
        marker="o",
    )
    axes.set(title="/get_email as the session grows", xlabel="cookie bytes", ylabel="req/s")
    axes.set_ylim(bottom=0)


def workers_panel(axes, results):
    """The ceiling, the peer and /get_email at each worker count."""
    for name in (CEILING, PEER, GREETING):
        series = sorted(
            (result.case.workers, result.measurement.rps)
            for result in results
            if result.case.name == name
        )
        if series:
            axes.plot(*zip(*series, strict=True), marker="o", label=name)
    axes.set(title="Worker count", xlabel="gunicorn workers", ylabel="req/s", xticks=[1, 2, 4])
    axes.set_ylim(bottom=0)
    axes.legend()


def stores_panel(axes, results, base):
    """Each Redis-store case beside its cookie twin, with its ratio and the 0.8 target of GETs."""
    on_redis = [result for result in results if result.case.store == "redis" and result.case.twin]
    rows = range(len(on_redis))
    twins = [base[result.case.twin, result.case.workers].rps for result in on_redis]
    redis = [result.measurement.rps for result in on_redis]
    axes.barh([row - 0.2 for row in rows], twins, 0.4, color=COLOURS["cookie"])
    axes.barh([row + 0.2 for row in rows], redis, 0.4, color=COLOURS["redis"])
    for row, result, twin_rps, redis_rps in zip(rows, on_redis, twins, redis, strict=True):
        label = f" {redis_rps / twin_rps:.2f}×, Redis CPU {result.redis_cpu.core_share:.0%}"
        axes.annotate(label, (redis_rps, row + 0.2), va="center", fontsize=8)
        if result.case.min_twin:
            target = result.case.min_twin * twin_rps
            axes.plot([target, target], [row - 0.45, row + 0.45], color="black", linestyle="--")
    axes.set_yticks(list(rows), [result.case.twin for result in on_redis])
    axes.invert_yaxis()
    axes.margins(x=0.25)  # room for the labels
    axes.set(
        title="Redis (red) against the cookie store (blue); dashed: GET target",
        xlabel="req/s",
    )


def chart(results, base, path):
    """Draw the four panels into a PNG at path."""
    figure = Figure(figsize=(15, 10), layout="constrained")
    (pages, stores), (growth, workers) = figure.subplots(2, 2)
    pages_panel(pages, results, base)
    stores_panel(stores, results, base)
    growth_panel(growth, results)
    workers_panel(workers, results)
    figure.savefig(path, dpi=100)
