"""The comparison point: the original platform's kind of keyword list — a Django REST
Framework ListAPIView with filters, ordering and page-number pagination — over the same
PostgreSQL table igny8-server uses, served by gunicorn with one sync worker per core on
127.0.0.1:8111. Like the original, it lists one account's rows (DRF_ACCOUNT), and it orders as
igny8 does (NULL volumes last when descending, then by id), so both read the same index. (It
does no authentication and no rate limiting, which only flatters it.)"""
import os
import sys

db_url, workdir, account = sys.argv[1], sys.argv[2], int(sys.argv[3])
os.makedirs(workdir, exist_ok=True)
user_host, name = db_url.split("://", 1)[1].rsplit("/", 1)
user, host = user_host.split("@")
host, port = host.split(":")
with open(os.path.join(workdir, "drfbench.py"), "w") as f:
    f.write(f'''
import django
from django.conf import settings
settings.configure(
    DEBUG=False, SECRET_KEY="x", ALLOWED_HOSTS=["*"], ROOT_URLCONF=__name__,
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "rest_framework", "django_filters"],
    DATABASES={{"default": {{"ENGINE": "django.db.backends.postgresql", "NAME": "{name}", "USER": "{user}",
                             "HOST": "{host}", "PORT": "{port}", "CONN_MAX_AGE": 600}}}},
    REST_FRAMEWORK={{"DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination", "PAGE_SIZE": 50,
                     "DEFAULT_AUTHENTICATION_CLASSES": [], "DEFAULT_PERMISSION_CLASSES": []}},
)
django.setup()
from django.db import models
from django.db.models import F
from django.urls import path
from rest_framework import serializers, generics, filters, pagination
import django_filters

class Keyword(models.Model):
    account_id = models.BigIntegerField(); site_id = models.BigIntegerField(); sector_id = models.BigIntegerField()
    keyword = models.TextField(); volume = models.BigIntegerField(null=True); difficulty = models.BigIntegerField(null=True)
    cpc = models.FloatField(null=True); intent = models.TextField(null=True); status = models.TextField()
    cluster_id = models.BigIntegerField(null=True); source = models.TextField()
    created_at = models.BigIntegerField(); updated_at = models.BigIntegerField()
    class Meta:
        app_label = "bench"; managed = False; db_table = "igny8_keywords"

class KeywordSerializer(serializers.ModelSerializer):
    class Meta:
        model = Keyword; fields = "__all__"

class KeywordFilter(django_filters.FilterSet):
    min_volume = django_filters.NumberFilter(field_name="volume", lookup_expr="gte")
    class Meta:
        model = Keyword; fields = ["sector_id", "intent", "status", "cluster_id"]

class Pages(pagination.PageNumberPagination):
    page_size_query_param = "page_size"

class Ordering(filters.OrderingFilter):
    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        desc = ordering[0].startswith("-")
        field = F(ordering[0].lstrip("-"))
        return queryset.order_by(field.desc(nulls_last=True) if desc else field.asc(nulls_first=True),
                                 F("id").desc() if desc else F("id").asc())

class KeywordList(generics.ListAPIView):
    serializer_class = KeywordSerializer; pagination_class = Pages
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend, Ordering]
    def get_queryset(self):
        return Keyword.objects.filter(account_id={account})
    filterset_class = KeywordFilter; ordering_fields = ["volume", "difficulty", "id"]; ordering = ["-id"]

urlpatterns = [path("keywords/", KeywordList.as_view())]
from django.core.wsgi import get_wsgi_application
application = get_wsgi_application()
''')
os.chdir(workdir)
os.execvp("gunicorn", ["gunicorn", "-w", str(os.cpu_count() or 2), "-b", "127.0.0.1:8111", "--log-level", "error", "drfbench:application"])
