"""Every user's inbox: the notifications the duty sweep and the actions write, newest first."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from zuofeng.duty.inbox import get_notification_for_user, mark_all_read, mark_read
from zuofeng.duty.models import Notification

PAGE_SIZE = 30


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    notes = Notification.objects.visible_to(request.user).with_read(request.user)
    if request.GET.get("show") == "unread":
        notes = notes.filter(is_read=False)
    page = Paginator(notes.only("pk", "title", "link", "created_at"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "portal/inbox.html",
        {
            "page": page,
            "unread_only": request.GET.get("show") == "unread",
            "querystring": "show=unread" if request.GET.get("show") == "unread" else "",
        },
    )


@login_required
@require_GET
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link, marking it read on the way (like a mail client)."""
    note = get_notification_for_user(request.user, pk)
    mark_read(actor=request.user, notification=note)
    # Links are paths the platform wrote; anything else goes back to the inbox.
    if note.link and url_has_allowed_host_and_scheme(note.link, allowed_hosts=None):
        return redirect(note.link)
    return redirect("portal:inbox")


@login_required
@require_POST
def read_one(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_notification_for_user(request.user, pk)
    mark_read(actor=request.user, notification=note)
    return redirect(_back(request))


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    mark_all_read(actor=request.user)
    messages.success(request, "全部消息已标为已读。")
    return redirect(_back(request))


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "portal:inbox"
