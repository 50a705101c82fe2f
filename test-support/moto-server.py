# moto_server with Route 53's change batch semantics, which moto 5.2.5 leaves out: a CREATE of a record
# set that exists (same name, type and SetIdentifier) fails, a DELETE must match the record set exactly
# as it stands (TTL, weight, values, alias target, health check), and a batch that breaks either rule
# changes nothing (InvalidChangeBatch). This is what makes a change batch a compare-and-swap and a TXT
# record a lock; without it moto appends a second record set and deletes by SetIdentifier alone.
#
# Under IAM enforcement, two faults of moto's are mended for Route 53 alone: it checks the signature of a
# body-less request (every GET) over its parsed parameters instead of the empty payload the client signed,
# it words a refusal in the query protocol's <Errors>, which a Route 53 (REST-XML) client cannot read, and
# it judges every Route 53 call against the resource "*", so a policy naming zones would never match.
# ECS (JSON protocol) gets the same <Errors> XML for a refusal, which its client cannot read either: it is
# answered as ECS answers, {"__type": "AccessDeniedException", "message": ...}.
import re
import sys
from xml.sax.saxutils import escape

from moto.core.exceptions import JsonRESTError, _RESTError as RESTError
from moto.ecs.responses import EC2ContainerServiceResponse
from moto.iam import access_control
from moto.route53 import models
from moto.route53.exceptions import Route53ClientError
from moto.route53.responses import Route53
from moto.server import main
from werkzeug.exceptions import HTTPException


def _name(name):
    return str(name or "").rstrip(".").lower().replace("\\052", "*")


def _alias(alias):
    if not alias:
        return None
    return (_name(alias.get("DNSName")), alias.get("HostedZoneId"), str(alias.get("EvaluateTargetHealth", "")).lower())


def _values(records):
    return tuple(sorted(r["Value"] if isinstance(r, dict) else r for r in (records or [])))


def of_record(r):
    return (_name(r.name), r.type, r.set_identifier, str(r.ttl), str(r.weight), _values(r.records), _alias(r.alias_target), r.health_check_id)


def of_change(rs):
    def text(key):
        return str(rs.get(key)) if rs.get(key) is not None else "None"

    return (_name(rs.get("Name")), rs.get("Type"), rs.get("SetIdentifier"), text("TTL"), text("Weight"), _values(rs.get("ResourceRecords")), _alias(rs.get("AliasTarget")), rs.get("HealthCheckId"))


def refuse(message):
    raise Route53ClientError("InvalidChangeBatch", f"[{message}]")


def change_resource_record_sets(self, zoneid, change_list):
    zone = self.get_hosted_zone(zoneid)
    current = [of_record(r) for r in zone.rrsets]
    for change in change_list:
        rs = of_change(change["ResourceRecordSet"])
        same = [c for c in current if c[:3] == rs[:3]]
        where = f"name='{rs[0]}.', type='{rs[1]}', set-identifier='{rs[2]}'"
        if change["Action"] == "CREATE":
            if same:
                refuse(f"Tried to create resource record set [{where}] but it already exists")
            current.append(rs)
        elif change["Action"] == "DELETE":
            if not same:
                refuse(f"Tried to delete resource record set [{where}] but it was not found")
            if rs not in same:
                refuse(f"Tried to delete resource record set [{where}] but the values provided do not match the current values")
            current.remove(rs)
        else:
            refuse(f"{change['Action']} is not tested here: the router writes only DELETE and CREATE")
    # Checked whole: now applied (moto's own checks compare with its journal of past changes, not with
    # the records as they stand, so they are not run).
    for change in change_list:
        rs = dict(change["ResourceRecordSet"])
        key = of_change(rs)[:3]
        zone.rrsets = [r for r in zone.rrsets if of_record(r)[:3] != key]
        if change["Action"] == "CREATE":
            if not rs["Name"].endswith("."):
                rs["Name"] += "."
            if "ResourceRecords" in rs:
                rs["ResourceRecords"] = [r["Value"] for r in rs["ResourceRecords"]]
            zone.add_rrset(rs)
        zone.rr_changes.append(change)


models.Route53Backend.change_resource_record_sets = change_resource_record_sets

signed_request = access_control.IAMRequestBase._create_aws_request


def _create_aws_request(self):
    if self._service != "route53" or self._body:
        return signed_request(self)
    data, self._data = self._data, b""
    try:
        return signed_request(self)
    finally:
        self._data = data


access_control.IAMRequestBase._create_aws_request = _create_aws_request


class Refused(HTTPException):
    """A refusal as Route 53 words it: <ErrorResponse><Error>, status 403."""

    code = 403

    def __init__(self, code, message):
        super().__init__(description=(
            '<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">'
            f"<Error><Type>Sender</Type><Code>{escape(code)}</Code><Message>{escape(message)}</Message></Error><RequestId>moto</RequestId></ErrorResponse>"
        ))


authorize = Route53._authenticate_and_authorize_action


def _authenticate_and_authorize_action(self, iam_request_cls, resource="*"):
    # The resource a Route 53 call acts on, as IAM names it: the zone, the change or the health check.
    found = re.search(r"/(hostedzone|change|healthcheck)/([A-Za-z0-9-]+)", self.path)
    if resource == "*" and found:
        resource = f"arn:aws:route53:::{found.group(1)}/{found.group(2)}"
    try:
        return authorize(self, iam_request_cls, resource)
    except RESTError as error:
        raise Refused(error.error_type, error.message) from error


Route53._authenticate_and_authorize_action = _authenticate_and_authorize_action

authorize_ecs = EC2ContainerServiceResponse._authenticate_and_authorize_action


def _authenticate_and_authorize_ecs_action(self, iam_request_cls, resource="*"):
    try:
        return authorize_ecs(self, iam_request_cls, resource)
    except RESTError as error:
        refusal = JsonRESTError("AccessDeniedException" if error.error_type == "AccessDenied" else error.error_type, error.message)
        refusal.code = error.code
        raise refusal from error


EC2ContainerServiceResponse._authenticate_and_authorize_action = _authenticate_and_authorize_ecs_action

if __name__ == "__main__":
    sys.exit(main())
