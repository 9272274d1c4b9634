from django.http import HttpRequest, HttpResponse


def todo(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("尚未实现", status=501)
