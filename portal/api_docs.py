"""Chinese section names on the API docs page (drf-spectacular names each section after the
URL's first segment: cases, complaints, ...). The paths themselves stay as they are."""

from __future__ import annotations

from typing import Any

TAG_NAMES = {
    "matters": ("办事指南", "政务服务事项：办事指南、材料和时限（公开）"),
    "cases": ("办件", "办件的提交、受理、办结与查询（按单位限定可见范围）"),
    "ratings": ("好差评", "办件评价与评价公示"),
    "complaints": ("监督举报", "举报的受理、分办与办理（举报人身份从不经接口返回）"),
}


def chinese_tags(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """A drf-spectacular postprocessing hook: rename the operations' tags and describe them."""
    used: list[str] = []
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "tags" not in operation:
                continue
            operation["tags"] = [TAG_NAMES.get(tag, (tag, ""))[0] for tag in operation["tags"]]
            used += [tag for tag in operation["tags"] if tag not in used]
    described = {name: text for name, text in TAG_NAMES.values()}
    result["tags"] = [
        {"name": tag, **({"description": described[tag]} if tag in described else {})}
        for tag in used
    ]
    return result
