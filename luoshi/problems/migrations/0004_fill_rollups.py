"""Fill the problem rollups from the problems already there (the same GROUP BY as ``rollups.rebuild``)."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def fill(apps: Any, schema_editor: Any) -> None:
    from django.db.models import Count, F, Q

    from luoshi.core import paths

    problem_model = apps.get_model("problems", "Problem")
    rollup_model = apps.get_model("problems", "ProblemRollup")
    facet_model = apps.get_model("problems", "ProblemFacetRollup")
    unit_model = apps.get_model("orgs", "Unit")
    if not problem_model.objects.exists():
        return
    states = ("pending_claim", "rectifying", "pending_review", "closed")
    lights = ("green", "yellow", "red")
    is_open = ~Q(state="closed")
    counts: dict[str, Any] = {"total": Count("id")}
    counts.update({s: Count("id", filter=Q(state=s)) for s in states})
    counts.update({c: Count("id", filter=is_open & Q(light=c)) for c in lights})
    counts["closed_on_time"] = Count("id", filter=Q(state="closed", closed_at__date__lte=F("deadline")))
    names = list(counts)
    main: dict[tuple[int, str], list[int]] = {}
    for group in problem_model.objects.values("campaign_id", "org_path").annotate(**counts).order_by():
        for path in paths.ancestors(group["org_path"]):
            sums = main.setdefault((group["campaign_id"], path), [0] * len(names))
            for i, name in enumerate(names):
                sums[i] += group[name]
    facets: dict[tuple[int, str, str, int], int] = {}
    for facet, field in (("a", "aspect_id"), ("c", "channel_id")):
        rows = problem_model.objects.values_list("campaign_id", "org_path", field).annotate(n=Count("id")).order_by()
        for campaign_id, org_path, facet_id, n in rows:
            for path in paths.ancestors(org_path):
                key = (campaign_id, path, facet, facet_id)
                facets[key] = facets.get(key, 0) + n
    ids = dict(unit_model.objects.values_list("path", "pk"))
    rollup_model.objects.bulk_create(
        [
            rollup_model(campaign_id=c, unit_id=ids[p], org_path=p, **dict(zip(names, v, strict=True)))
            for (c, p), v in sorted(main.items())
        ],
        batch_size=5000,
    )
    facet_model.objects.bulk_create(
        [
            facet_model(campaign_id=c, unit_id=ids[p], org_path=p, facet=f, facet_id=i, total=n)
            for (c, p, f, i), n in sorted(facets.items())
        ],
        batch_size=5000,
    )


class Migration(migrations.Migration):
    dependencies = [("problems", "0003_rollups")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
