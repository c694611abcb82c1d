"""One commitment made at an interview (约谈), and the unit's report that it is done.

The unit's own staff and the office see it; anyone else gets 404. Sweep notifications and
escalations of overdue commitments link here.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from org.scoping import scope_to_unit
from scorecard import actions
from scorecard.forms import CompleteCommitmentForm
from scorecard.models import Commitment
from scorecard.views.office import run_action
from zuofeng.access import staff_required


@require_http_methods(["GET", "POST"])
@staff_required
def commitment(request: HttpRequest, pk: int) -> HttpResponse:
    visible = scope_to_unit(Commitment.objects.select_related("unit", "interview"), request.user)
    item = get_object_or_404(visible, pk=pk)
    form = CompleteCommitmentForm(request.POST or None)
    if request.method == "POST":
        if item.status == Commitment.Status.DONE:
            raise Http404
        if form.is_valid():
            done = run_action(
                request,
                lambda: actions.complete_commitment(
                    actor=request.user, commitment=item, note=form.cleaned_data["note"]
                ),
            )
            if done is not None:
                messages.success(request, "已报告整改承诺完成")
                return redirect("scorecard:commitment", pk=item.pk)
    return render(request, "scorecard/commitment.html", {"commitment": item, "form": form})
