"""Evidence files (佐证材料) of tracked work: stored with the progress report they prove, in its transaction and
removed again when it fails; going out always as an attachment, never through MEDIA_URL, audited."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from luoshi.audit.labels import masked_name
from luoshi.audit.models import Action
from luoshi.audit.services import record, snapshot
from luoshi.core.uploads import CheckedUpload
from luoshi.tracking.models import EvidenceFileBase, ProgressReportBase

E = TypeVar("E", bound=EvidenceFileBase)


@contextmanager
def evidence_files() -> Iterator[list[Any]]:
    """The list of evidence stored inside the block; when the block fails, their files are deleted from storage
    (their rows roll back with the caller's transaction, which the block must hold)."""
    stored: list[Any] = []
    try:
        yield stored
    except BaseException:
        for evidence in stored:
            evidence.file.delete(save=False)
        raise


def store_evidence(
    stored: list[E],
    model: type[E],
    report_field: str,
    report: ProgressReportBase,
    actor: Any,
    uploads: Sequence[UploadedFile],
    checked: Sequence[CheckedUpload],
) -> None:
    """Each upload (already checked: ``checked``) as a ``model`` row hanging off ``report`` by ``report_field``, in
    the report's org path, its file named by its hash; each is appended to ``stored`` once saved."""
    for upload, info in zip(uploads, checked, strict=True):
        evidence = model(
            **{report_field: report},
            org_path=report.org_path,
            original_name=info.name,
            content_type=info.content_type,
            size=info.size,
            sha256=info.sha256,
            uploaded_by=actor,
        )
        evidence.file.save(f"{info.sha256[:16]}.{info.extension}", upload, save=False)
        evidence.save()
        stored.append(evidence)


def record_report(actor: Any, report: ProgressReportBase, stored: Sequence[EvidenceFileBase], detail: str = "") -> None:
    """The audit record of a new progress report, listing its evidence by (masked) name and hash."""
    listed = [{"name": masked_name(e.original_name), "sha256": e.sha256} for e in stored]
    record(Action.CREATE, actor=actor, obj=report, after={**snapshot(report), "evidence": listed}, detail=detail)


def evidence_response(
    user: Any,
    evidence: EvidenceFileBase,
    *,
    item_key: str,
    item_id: int,
    item_noun: str,
    file_noun: str = "佐证材料",
) -> FileResponse:
    """The download of ``evidence``, which the caller has already found in the user's scope.

    The export is recorded against the evidence, naming the item it belongs to: ``item_noun`` and ``item_id``
    in the record's text (下载问题 #12 的佐证材料 #3), ``item_key`` in its data; ``file_noun`` names the file.
    A file gone from storage is a 404 and records nothing.
    """
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("文件不存在。")) from exc
    record(
        Action.EXPORT,
        actor=user,
        obj=evidence,
        object_repr=f"{file_noun} #{evidence.pk}",
        detail=f"下载{item_noun} #{item_id} 的佐证材料 #{evidence.pk}",
        after={item_key: item_id, "evidence": evidence.pk, "sha256": evidence.sha256},
    )
    return FileResponse(handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type)
