"""Open311 GeoReport v2: what a client sees of services and requests, filing with an API key,
errors in the spec's format, and what is never published (the text, the complainant)."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

import pytest
import requests
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from georeport import GeoReport
from requests import HTTPError

from complaints import actions
from complaints.intake.open311 import keys
from complaints.models import Complaint, ComplaintCategory, Open311Client
from complaints.tests.georeport_client import (
    ROOT,
    RoutedSession,
    as_list,
    as_xml_text,
    file_request,
    request_id_for_token,
)
from zuofeng.audit.models import AuditEvent

TZ = ZoneInfo("Asia/Shanghai")
BASE = "/open311/v2/"
ATTITUDE = "市场监管局窗口的工作人员态度很差，问了三遍都不耐烦，还让我明天再来"
PLACE = "区政务服务中心二楼"


@pytest.fixture(autouse=True)
def fresh_limits():
    """Rate-limit counters live in the cache; each test starts with full budgets."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_key(district) -> str:
    client = Open311Client(name="掌上政务 App")
    key = keys.set_key(client)
    client.save()
    return key


def get(path: str, **params):
    return Client().get(BASE + path, params)


def body(response):
    """The parsed answer: JSON as is; XML as (root tag, list of children as dicts)."""
    if response["Content-Type"].startswith("application/json"):
        return json.loads(response.content)
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = ET.fromstring(response.content)
    return root.tag, [{child.tag: child.text for child in item} for item in root]


def post(fmt: str = "json", client: Client | None = None, **fields):
    return (client or Client()).post(f"{BASE}requests.{fmt}", fields)


def file(district, key, fmt="json", **fields):
    fields.setdefault("service_code", "service")
    fields.setdefault("description", ATTITUDE)
    fields.setdefault("address_string", PLACE)
    return post(fmt, api_key=key, **fields)


def assert_error(response, status: int, fragment: str = ""):
    assert response.status_code == status
    parsed = body(response)
    if isinstance(parsed, tuple):
        root, errors = parsed
        assert root == "errors"
        assert [list(error) for error in errors] == [["code", "description"]] * len(errors)
    else:
        errors = parsed
        assert all(set(error) == {"code", "description"} for error in errors)
    assert errors and all(str(error["code"]) == str(status) for error in errors)
    assert fragment in " ".join(error["description"] for error in errors)


@pytest.fixture
def georeport(monkeypatch, api_key):
    """`georeport("json")` or `georeport("xml")`: the third-party client, holding our key."""
    monkeypatch.setattr(requests.sessions, "Session", RoutedSession)
    return lambda fmt: GeoReport(ROOT, api_key=api_key, output_format=fmt)


def same_in_both_formats(in_json, in_xml):
    """The spec's JSON is its XML mapped: the XML client reads the same values as text."""
    assert {key: as_xml_text(value) for key, value in in_json.items()} == in_xml


@pytest.mark.django_db
class TestServices:
    def test_a_georeport_client_lists_the_categories_as_services(self, district, georeport):
        in_json = georeport("json").get_service_list()
        in_xml = as_list(georeport("xml").get_service_list())
        codes = list(ComplaintCategory.objects.values_list("code", flat=True))
        assert [service["service_code"] for service in in_json] == codes
        assert len(in_xml) == len(codes)
        for json_service, xml_service in zip(in_json, in_xml, strict=True):
            same_in_both_formats(json_service, xml_service)
        service = in_json[codes.index("service")]
        assert service["metadata"] is True and service["type"] == "realtime"
        assert service["service_name"] == ComplaintCategory.objects.get(code="service").name

    @pytest.mark.parametrize("fmt", ["json", "xml"])
    def test_a_definition_offers_the_active_units_as_the_unit_attribute(
        self, district, georeport, fmt
    ):
        from org import actions as org_actions

        org_actions.archive_unit(actor=None, unit=district.town, reason="撤镇设街道")
        definition = georeport(fmt).get_service_definition("service")
        assert definition["service_code"] == "service"
        attributes = definition["attributes"]
        if fmt == "xml":
            attributes = as_list(attributes["attribute"])
        unit, subject = attributes
        assert unit["code"] == "unit" and unit["datatype"] == "singlevaluelist"
        assert as_xml_text(unit["variable"]) == "true"
        values = unit["values"] if fmt == "json" else as_list(unit["values"]["value"])
        offered = {value["key"]: value["name"] for value in values}
        assert offered[district.market.code] == district.market.name
        assert district.town.code not in offered
        assert subject["code"] == "subject" and subject["datatype"] == "string"

    @pytest.mark.parametrize("fmt", ["json", "xml"])
    def test_an_unknown_service_is_a_404_in_the_spec_format(self, district, georeport, fmt):
        with pytest.raises(HTTPError) as raised:
            georeport(fmt).get_service_definition("potholes")
        assert raised.value.response.status_code == 404
        assert_error(get(f"services/potholes.{fmt}"), 404, "potholes")

    def test_an_unsupported_format_is_a_400_in_xml(self, district):
        response = get("services.csv")
        assert response["Content-Type"].startswith("text/xml")
        assert_error(response, 400, ".json")


@pytest.mark.django_db
class TestRoundTrip:
    @pytest.mark.parametrize("fmt", ["json", "xml"])
    def test_a_client_files_and_follows_a_complaint_until_it_is_closed(
        self, district, georeport, fmt
    ):
        client = georeport(fmt)
        assert "service" in [s["service_code"] for s in as_list(client.get_service_list())]
        created = file_request(
            client,
            "service",
            description=ATTITUDE,
            lat="30.123456",
            long="120.654321",
            address_string=PLACE,
            **{"attribute[unit]": district.market.code, "attribute[subject]": "王科长"},
        )
        number, token, code = (
            created["service_request_id"],
            created["token"],
            created["receipt_code"],
        )
        assert created["account_id"] is None
        assert code in created["service_notice"] and number in created["service_notice"]
        assert "/complaints/follow/" in created["service_notice"]
        assert request_id_for_token(client, token) == {"service_request_id": number, "token": token}

        request = client.get_service_request(number)
        assert request["service_request_id"] == number and request["status"] == "open"
        assert request["agency_responsible"] == "督查室"
        assert request["address"] == PLACE
        assert float(request["lat"]) == pytest.approx(30.123456)
        assert float(request["long"]) == pytest.approx(120.654321)
        assert request["expected_datetime"] is None
        assert request["description"] is None and request["media_url"] is None

        complaint = Complaint.objects.get(number=number)
        assert complaint.channel == Complaint.Channel.OPEN311
        assert complaint.unit == district.market and complaint.subject_name == "王科长"
        assert complaint.place == PLACE
        actions.triage(actor=district.olivia, complaint=complaint, category="service")
        request = client.get_service_request(number)
        assert request["agency_responsible"] == district.market.name
        assert request["status_notes"] == f"已转交{district.market.name}办理。"
        complaint.refresh_from_db()
        assert request["expected_datetime"] == timezone.localtime(complaint.due_at).isoformat(
            timespec="seconds"
        )

        answer = "经核查，当事窗口人员已被批评教育，并已为您办结业务"
        actions.answer(actor=district.alice, complaint=complaint, text=answer)
        request = client.get_service_request(number)
        assert request["status"] == "open"
        assert answer not in json.dumps(request, ensure_ascii=False)

        # The complainant answers the callback with the receipt the client showed them.
        assert actions.find_by_receipt(number, code) == complaint
        actions.record_callback(
            actor=None, complaint=complaint, result="satisfied", by_complainant=True
        )
        assert client.get_service_request(number)["status"] == "closed"
        [listed] = as_list(client.get_service_requests(status="closed"))
        assert listed["service_request_id"] == number

    def test_a_request_reads_the_same_in_json_and_xml(self, district, georeport):
        created = file_request(
            georeport("json"),
            "service",
            description=ATTITUDE,
            lat="30.5",
            long="120.25",
            **{"attribute[unit]": district.market.code},
        )
        complaint = Complaint.objects.get(number=created["service_request_id"])
        actions.triage(actor=district.olivia, complaint=complaint, category="service")
        in_json = georeport("json").get_service_request(complaint.number)
        in_xml = georeport("xml").get_service_request(complaint.number)
        same_in_both_formats(in_json, in_xml)
        assert in_xml["lat"] == "30.5" and in_xml["address"] is None
        [listed_json] = georeport("json").get_service_requests()
        assert listed_json == in_json
        assert georeport("xml").get_service_requests(service_request_id=complaint.number) == in_xml

    def test_the_office_closing_an_answered_complaint_closes_the_request(self, district, georeport):
        client = georeport("xml")
        created = file_request(
            client,
            "service",
            description=ATTITUDE,
            address_string=PLACE,
            **{"attribute[unit]": district.market.code},
        )
        complaint = Complaint.objects.get(number=created["service_request_id"])
        actions.triage(actor=district.olivia, complaint=complaint, category="service")
        actions.answer(actor=district.alice, complaint=complaint, text="已整改")
        actions.close(actor=district.olivia, complaint=complaint, reason="多次联系不上举报人")
        request = client.get_service_request(complaint.number)
        assert request["status"] == "closed"
        assert request["status_notes"] == "督查室已办结该举报。"

    def test_filing_in_xml_answers_in_xml(self, district, georeport):
        client = georeport("xml")
        created = file_request(client, "service", description=ATTITUDE, address_string=PLACE)
        assert list(created)[:4] == ["service_request_id", "token", "service_notice", "account_id"]
        assert created["account_id"] is None
        assert request_id_for_token(client, created["token"]) == {
            "service_request_id": created["service_request_id"],
            "token": created["token"],
        }

    def test_filing_needs_no_csrf_token(self, district, api_key):
        client = Client(enforce_csrf_checks=True)
        response = post(
            client=client,
            api_key=api_key,
            service_code="service",
            description=ATTITUDE,
            address_string=PLACE,
        )
        assert response.status_code == 201


@pytest.mark.django_db
class TestLocation:
    """GeoReport v2: a request needs lat and long, or address_string, or address_id."""

    @pytest.mark.parametrize("fmt", ["json", "xml"])
    def test_a_request_without_a_location_is_refused_and_nothing_is_stored(
        self, district, api_key, fmt
    ):
        response = post(fmt, api_key=api_key, service_code="service", description=ATTITUDE)
        assert_error(response, 400, "缺少位置")
        assert "address_string" in response.content.decode()
        assert not Complaint.objects.exists()

    @pytest.mark.parametrize("fmt", ["json", "xml"])
    def test_an_address_id_we_cannot_resolve_is_refused(self, district, api_key, fmt):
        response = file(district, api_key, fmt=fmt, address_string="", address_id="A-1024")
        assert_error(response, 400, "address_id")
        assert not Complaint.objects.exists()

    @pytest.mark.parametrize(
        "location",
        [{"lat": "30.2", "long": "120.1"}, {"address_string": PLACE}],
        ids=["lat-long", "address"],
    )
    def test_either_coordinates_or_an_address_is_enough(self, district, api_key, location):
        response = post(api_key=api_key, service_code="service", description=ATTITUDE, **location)
        assert response.status_code == 201
        complaint = Complaint.objects.get()
        assert complaint.place == location.get("address_string", "")
        assert (complaint.latitude is None) == ("lat" not in location)


@pytest.mark.django_db
class TestRequestList:
    def make(self, district, when, text=ATTITUDE):
        complaint, _ = actions.file_complaint(
            actor=None, channel=Complaint.Channel.WEB, text=text, unit=district.market, at=when
        )
        return complaint

    @staticmethod
    def ids(client, **filters):
        return [r["service_request_id"] for r in as_list(client.get_service_requests(**filters))]

    @pytest.mark.parametrize("fmt", ["json", "xml"])
    def test_by_default_the_last_90_days_newest_first(self, district, georeport, fmt):
        now = timezone.now()
        old = self.make(district, now - dt.timedelta(days=120))
        older = self.make(district, now - dt.timedelta(days=30))
        newer = self.make(district, now - dt.timedelta(days=1))
        assert self.ids(georeport(fmt)) == [newer.number, older.number]
        assert old.number not in self.ids(georeport(fmt))

    @pytest.mark.parametrize("fmt", ["json", "xml"])
    def test_ids_override_the_other_filters(self, district, georeport, fmt):
        old = self.make(district, timezone.now() - dt.timedelta(days=200))
        other = self.make(district, timezone.now())
        wanted = f"{old.number.lower()}, {other.number}"
        listed = self.ids(georeport(fmt), service_request_id=wanted, status="closed")
        assert set(listed) == {old.number, other.number}

    @pytest.mark.parametrize("fmt", ["json", "xml"])
    def test_dates_status_and_service_code_filter(self, district, georeport, fmt):
        client = georeport(fmt)
        start = dt.datetime(2026, 3, 1, tzinfo=TZ)
        inside = self.make(district, start + dt.timedelta(days=5))
        self.make(district, start - dt.timedelta(days=5))
        dates = {"start_date": "2026-03-01T00:00:00+08:00", "end_date": "2026-03-31T00:00:00Z"}
        assert self.ids(client, **dates) == [inside.number]
        assert self.ids(client, service_code="service,integrity", **dates) == [inside.number]
        # An empty list: `georeport` reads JSON's [] but fails on XML's empty
        # <service_requests/> (it indexes ["request"] of None), so that case is read here.
        assert body(get("requests.json", status="closed", **dates)) == []
        assert body(get("requests.xml", service_code="integrity", **dates)) == (
            "service_requests",
            [],
        )

    @pytest.mark.parametrize(
        ("params", "fragment"),
        [
            ({"start_date": "2026-13-01T00:00:00Z"}, "start_date"),
            ({"start_date": "yesterday"}, "W3C"),
            ({"end_date": "2026-03-01T00:00:00"}, "时区"),
            (
                {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
                "90 天",
            ),
            (
                {"start_date": "2026-03-01T00:00:00Z", "end_date": "2026-02-01T00:00:00Z"},
                "早于",
            ),
            ({"status": "pending"}, "status"),
            ({"service_code": "potholes"}, "potholes"),
        ],
    )
    @pytest.mark.parametrize("fmt", ["json", "xml"])
    def test_bad_filters_are_400_in_the_spec_format(self, district, params, fragment, fmt):
        assert_error(get(f"requests.{fmt}", **params), 400, fragment)

    def test_an_unknown_request_or_token_is_a_404(self, district):
        assert_error(get("requests/JB20260101999999.json"), 404, "JB20260101999999")
        assert_error(get("tokens/deadbeef.xml"), 404, "token")

    def test_the_list_costs_the_same_queries_for_many_complaints(
        self, district, django_assert_max_num_queries
    ):
        for day in range(12):
            self.make(district, timezone.now() - dt.timedelta(days=day, hours=1))
        with django_assert_max_num_queries(3):
            assert len(body(get("requests.json"))) == 12

    def test_the_complaint_text_is_never_published(self, district):
        text = "窗口的王某某对我说没关系就别想办成，我是住在青石镇幸福村的独居老人"
        complaint = self.make(district, timezone.now(), text=text)
        for path in ("requests.json", "requests.xml", f"requests/{complaint.number}.xml"):
            content = get(path).content.decode()
            assert complaint.number in content
            assert "王某某" not in content and "幸福村" not in content


@pytest.mark.django_db
class TestFilingErrors:
    @pytest.mark.parametrize("fmt", ["json", "xml"])
    @pytest.mark.parametrize("key", [None, "", "not-a-key"])
    def test_a_missing_or_wrong_key_is_a_403_and_stores_nothing(self, district, fmt, key):
        fields = {"service_code": "service", "description": ATTITUDE, "address_string": PLACE}
        if key is not None:
            fields["api_key"] = key
        assert_error(post(fmt, **fields), 403, "api_key")
        assert not Complaint.objects.exists()

    def test_a_json_body_is_refused_with_a_clear_error(self, district, api_key):
        payload = {
            "api_key": api_key,
            "service_code": "service",
            "description": ATTITUDE,
            "address_string": PLACE,
        }
        response = Client().post(
            BASE + "requests.json", json.dumps(payload), content_type="application/json"
        )
        assert_error(response, 400, "x-www-form-urlencoded")
        assert not Complaint.objects.exists()

    def test_a_deactivated_key_is_refused(self, district, api_key):
        Open311Client.objects.update(active=False)
        assert_error(file(district, api_key), 403, "api_key")

    @pytest.mark.parametrize(
        ("fields", "status", "fragment"),
        [
            ({"service_code": ""}, 400, "service_code"),
            ({"service_code": "potholes"}, 404, "service_code"),
            ({"description": ""}, 400, "description"),
            ({"description": "   "}, 400, "description"),
            ({"description": "太慢了" * 33334}, 400, "不能超过"),
            ({"description": "<script>alert(1)</script>态度差"}, 400, "网页代码"),
            ({"description": "态度差<b>很</b>差"}, 400, "description"),
            ({"lat": "30.1"}, 400, "lat/long"),
            ({"lat": "91", "long": "120"}, 400, "lat"),
            ({"lat": "abc", "long": "120"}, 400, "lat"),
            ({"lat": "NaN", "long": "120"}, 400, "lat"),
            ({"attribute[unit]": "NOPE"}, 400, "attribute[unit]"),
            ({"attribute[color]": "red"}, 400, "attribute[color]"),
            ({"attribute[subject]": "<i>x</i>"}, 400, "attribute[subject]"),
            ({"address_string": "<img src=x>"}, 400, "address_string"),
            ({"email": "not-an-email"}, 400, "email"),
            ({"phone": "call me"}, 400, "phone"),
            ({"first_name": "名" * 30}, 400, "first_name"),
        ],
    )
    @pytest.mark.parametrize("fmt", ["json", "xml"])
    def test_a_malformed_request_is_refused_and_nothing_is_stored(
        self, district, api_key, fields, status, fragment, fmt
    ):
        assert_error(file(district, api_key, fmt=fmt, **fields), status, fragment)
        assert not Complaint.objects.exists()

    def test_other_methods_are_refused_in_the_spec_format(self, district):
        response = Client().delete(BASE + "requests.json")
        assert_error(response, 405)
        assert response["Allow"] == "GET, POST"
        assert_error(Client().post(BASE + "services.json"), 405)

    def test_filing_is_throttled_per_key(self, district, api_key, settings):
        settings.ZUOFENG = {**settings.ZUOFENG, "OPEN311_KEY_RATE": "2/m"}
        assert file(district, api_key).status_code == 201
        assert file(district, api_key).status_code == 201
        assert_error(file(district, api_key, fmt="xml"), 429, "频繁")
        assert Complaint.objects.count() == 2

    def test_every_call_is_throttled_per_address(self, district, settings):
        settings.ZUOFENG = {**settings.ZUOFENG, "OPEN311_ADDRESS_RATE": "3/m"}
        for _ in range(3):
            assert get("services.json").status_code == 200
        assert_error(get("requests.json"), 429)


@pytest.mark.django_db
class TestIdentityIsNeverEchoed:
    MARKERS = {
        "first_name": "蓝鲸标记",
        "last_name": "钱",
        "phone": "13912345678",
        "email": "marker-7f3a@example.org",
        "device_id": "device-marker-9c1e",
        "account_id": "account-marker-5b2d",
    }

    def test_no_open311_answer_carries_the_identity(self, district, api_key):
        responses = [file(district, api_key, fmt=fmt, **self.MARKERS) for fmt in ("json", "xml")]
        for response in responses:
            assert response.status_code == 201
        complaint = Complaint.objects.first()
        actions.triage(
            actor=district.olivia, complaint=complaint, category="service", unit=district.market
        )
        token = complaint.token
        for fmt in ("json", "xml"):
            responses += [
                get(f"requests.{fmt}"),
                get(f"requests/{complaint.number}.{fmt}"),
                get(f"tokens/{token}.{fmt}"),
            ]
        audit = " ".join(
            json.dumps([event.before, event.after], ensure_ascii=False)
            for event in AuditEvent.objects.all()
        )
        for marker in [*self.MARKERS.values(), "钱蓝鲸标记"]:
            for response in responses:
                assert marker not in response.content.decode()
            assert marker not in audit

    def test_the_identity_is_sealed_for_the_office(self, district, api_key):
        [created] = body(file(district, api_key, **self.MARKERS))
        complaint = Complaint.objects.get(number=created["service_request_id"])
        identity = actions.reveal_identity(
            actor=district.olivia, complaint=complaint, reason="核实举报内容需要联系举报人"
        )
        assert identity.name == "钱蓝鲸标记"
        assert identity.phone == "13912345678"
        assert "marker-7f3a@example.org" in identity.contact
        assert "device-marker-9c1e" in identity.contact

    def test_an_identity_reveal_does_not_move_the_update_time(self, district, api_key):
        [created] = body(file(district, api_key, **self.MARKERS))
        number = created["service_request_id"]
        [before] = body(get(f"requests/{number}.json"))
        complaint = Complaint.objects.get(number=number)
        actions.reveal_identity(actor=district.olivia, complaint=complaint, reason="核实")
        [after] = body(get(f"requests/{number}.json"))
        assert after["updated_datetime"] == before["updated_datetime"]

    def test_the_filing_is_audited_with_the_client_and_never_the_key(self, district, api_key):
        [created] = body(file(district, api_key, service_code="formalism"))
        complaint = Complaint.objects.get(number=created["service_request_id"])
        event = AuditEvent.objects.get(action="complaints.open311_request")
        assert event.object_id == str(complaint.pk) and event.actor_id is None
        assert event.after == {
            "client": "掌上政务 App",
            "key_prefix": api_key[:8],
            "service_code": "formalism",
        }
        assert api_key not in json.dumps(event.after)


@pytest.mark.django_db
class TestAdmin:
    URL = "/admin/complaints/open311client/"

    def test_issuing_a_key_shows_it_once_and_stores_only_its_hash(self, district):
        admin = district.client_for(district.root)
        response = admin.post(self.URL + "add/", {"name": "市民热线 App", "active": "on"})
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        key = response.context["key"]
        assert key in response.content.decode()
        client = Open311Client.objects.get(name="市民热线 App")
        assert client.key_hash == keys.hash_key(key) and key not in client.key_hash
        assert client.key_prefix == key[:8]
        assert key not in admin.get(self.URL + f"{client.pk}/change/").content.decode()
        assert AuditEvent.objects.filter(action="admin.add").exists()
        assert key not in json.dumps(
            [[e.before, e.after] for e in AuditEvent.objects.all()], ensure_ascii=False
        )
        # The key the admin handed over works.
        assert file(district, key).status_code == 201

    def test_reissuing_replaces_the_key_and_deactivating_stops_it(self, district, api_key):
        admin = district.client_for(district.root)
        client = Open311Client.objects.get()
        response = admin.post(
            self.URL + f"{client.pk}/change/",
            {"name": client.name, "active": "on", "reissue_key": "on"},
        )
        new_key = response.context["key"]
        assert new_key != api_key
        assert_error(file(district, api_key), 403)
        assert file(district, new_key).status_code == 201
        assert AuditEvent.objects.filter(action="complaints.reissue_open311_key").exists()

        admin.post(self.URL, {"action": "deactivate", "_selected_action": [client.pk]})
        client.refresh_from_db()
        assert client.active is False
        assert_error(file(district, new_key), 403)

    def test_clients_cannot_be_deleted(self, district, api_key):
        admin = district.client_for(district.root)
        client = Open311Client.objects.get()
        assert admin.get(self.URL + f"{client.pk}/delete/").status_code == 403


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_failure_inside_the_server_is_answered_in_the_spec_s_format(
    district, monkeypatch, fmt
) -> None:
    from complaints.intake.open311 import payloads

    def broken(category):
        raise RuntimeError("a bug")

    monkeypatch.setattr(payloads, "service", broken)
    assert_error(Client().get(f"{BASE}services.{fmt}"), 500, "服务器内部错误")
