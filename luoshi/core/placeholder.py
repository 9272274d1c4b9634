from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _


def todo(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse(_("尚未实现"), status=501)
