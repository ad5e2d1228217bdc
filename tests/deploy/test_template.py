"""deploy/cloud/gas.yaml against DESIGN.md "Scale" and docs/aws.md, read from the template itself.

DESIGN.md: web servers min 2, max 10, out above 200 successful responses a
minute, in below 10 ms response time; annotators min 2, max 10, out above 10
messages sent in 5 minutes, in below 5 for 2 minutes. The numbers below are
what a reviewer checks the template against; everything else is read from it.
"""
from __future__ import annotations

import json
import re
import subprocess
from dataclasses import fields

import pytest

from backend.adapters.aws_resources import Names
from tests.deploy.template import ROOT, USERDATA, TEMPLATE, ref, resources_of_type

GROUP = "AWS::AutoScaling::AutoScalingGroup"
ALARM = "AWS::CloudWatch::Alarm"
POLICY = "AWS::AutoScaling::ScalingPolicy"


def scaling_alarms(template: dict, group: str) -> dict[int, dict]:
    """The alarms that resize `group`, by the step their policy takes (+1 out, -1 in)."""
    policies = resources_of_type(template, POLICY)
    found = {}
    for name, alarm in resources_of_type(template, ALARM).items():
        (action,) = alarm["Properties"]["AlarmActions"]
        policy = policies[ref(action)]["Properties"]
        if ref(policy["AutoScalingGroupName"]) == group:
            assert policy["AdjustmentType"] == "ChangeInCapacity"
            assert int(policy["ScalingAdjustment"]) not in found, f"two alarms step {group} the same way"
            found[int(policy["ScalingAdjustment"])] = alarm["Properties"]
    return found


@pytest.mark.parametrize("group, low, high", [
    ("WebGroup", 2, 10), ("AnnotatorGroup", 2, 10),
    ("NotifierGroup", 1, 1), ("ArchiverGroup", 1, 1), ("RestorerGroup", 1, 1)])
def test_group_sizes(template, group, low, high):
    props = template["Resources"][group]["Properties"]
    assert (int(props["MinSize"]), int(props["MaxSize"])) == (low, high)
    assert "DesiredCapacity" not in props, "a stack update would reset the capacity the alarms chose"


def test_web_scales_out_above_200_successful_responses_a_minute(template):
    out = scaling_alarms(template, "WebGroup")[1]
    assert (out["Namespace"], out["MetricName"], out["Statistic"]) == ("AWS/ApplicationELB", "HTTPCode_Target_2XX_Count", "Sum")
    assert out["Period"] * out["EvaluationPeriods"] == 60 and out["EvaluationPeriods"] == 1
    assert (out["ComparisonOperator"], out["Threshold"]) == ("GreaterThanThreshold", 200)
    dims = {d["Name"]: d["Value"] for d in out["Dimensions"]}
    assert dims["TargetGroup"] == {"Fn::GetAtt": ["WebTargetGroup", "TargetGroupFullName"]}
    assert dims["LoadBalancer"] == {"Fn::GetAtt": ["LoadBalancer", "LoadBalancerFullName"]}


def test_web_scales_in_below_10_ms(template):
    inward = scaling_alarms(template, "WebGroup")[-1]
    assert (inward["Namespace"], inward["MetricName"], inward["Statistic"]) == ("AWS/ApplicationELB", "TargetResponseTime", "Average")
    assert (inward["ComparisonOperator"], inward["Threshold"]) == ("LessThanThreshold", 0.010)
    # TargetResponseTime is in seconds.
    assert {d["Name"] for d in inward["Dimensions"]} == {"LoadBalancer", "TargetGroup"}


def test_annotators_scale_out_above_10_sent_in_5_minutes(template):
    out = scaling_alarms(template, "AnnotatorGroup")[1]
    assert (out["Namespace"], out["MetricName"], out["Statistic"]) == ("AWS/SQS", "NumberOfMessagesSent", "Sum")
    assert out["Period"] * out["EvaluationPeriods"] == 300 and out["EvaluationPeriods"] == 1
    assert (out["ComparisonOperator"], out["Threshold"]) == ("GreaterThanThreshold", 10)
    assert out["Dimensions"] == [{"Name": "QueueName", "Value": {"Ref": "AnnotatorQueue"}}]


def test_annotators_scale_in_below_5_for_2_minutes(template):
    inward = scaling_alarms(template, "AnnotatorGroup")[-1]
    assert (inward["Namespace"], inward["MetricName"], inward["Statistic"]) == ("AWS/SQS", "NumberOfMessagesSent", "Sum")
    assert inward["Period"] * inward["EvaluationPeriods"] == 120
    assert (inward["ComparisonOperator"], inward["Threshold"]) == ("LessThanThreshold", 5)
    assert inward["Dimensions"] == [{"Name": "QueueName", "Value": {"Ref": "AnnotatorQueue"}}]


def test_single_worker_groups_do_not_scale(template):
    for group in ("NotifierGroup", "ArchiverGroup", "RestorerGroup"):
        assert scaling_alarms(template, group) == {}


def test_resource_names_default_to_create_resources_names(template):
    """Each name parameter's default is the name create-resources makes (aws_resources.Names)."""
    defaults = Names.from_settings({})
    params = template["Parameters"]
    for f in fields(Names):
        param = "".join(part.capitalize() for part in f.name.split("_"))      # inputs_bucket → InputsBucket
        assert params[param]["Default"] == getattr(defaults, f.name), param


def test_web_target_group_health_checks_healthz_on_gunicorns_port(template):
    tg = template["Resources"]["WebTargetGroup"]["Properties"]
    assert (tg["Port"], tg["Protocol"], tg["HealthCheckPath"]) == (8050, "HTTP", "/healthz")
    group = template["Resources"]["WebGroup"]["Properties"]
    assert group["TargetGroupARNs"] == [{"Ref": "WebTargetGroup"}] and group["HealthCheckType"] == "ELB"


def _docs_policies() -> dict[str, dict[str, set[str]]]:
    """docs/aws.md's least-privilege policy per process: {role: {Sid: actions}}."""
    text = (ROOT / "docs" / "aws.md").read_text()
    found = {}
    for role, body in re.findall(r"^### (\w+)[^\n]*\n(?:(?!^### ).)*?```json\n(.*?)```", text, re.S | re.M):
        found[role] = {s["Sid"]: set([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
                       for s in json.loads(body)["Statement"]}
    return found


@pytest.mark.parametrize("role", ["web", "annotator", "notifier", "archiver", "restorer"])
def test_each_role_gets_the_docs_policy_and_only_boot_extras(template, role):
    docs = _docs_policies()[role]
    props = template["Resources"][f"{role.capitalize()}Role"]["Properties"]
    (policy,) = props["Policies"]
    statements = {s["Sid"]: set([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
                  for s in policy["PolicyDocument"]["Statement"]}
    extras = {"Secrets": {"ssm:GetParameters"}} if role == "web" else {}
    assert statements == {**docs, **extras}
    managed = {ref(m) for m in props["ManagedPolicyArns"]}
    assert managed == ({"BootPolicy"} if role == "web" else {"BootPolicy", "WorkerSecretsPolicy"})
    profile = template["Resources"][f"{role.capitalize()}InstanceProfile"]["Properties"]
    assert profile["Roles"] == [{"Ref": f"{role.capitalize()}Role"}]
    launch = template["Resources"][f"{role.capitalize()}LaunchTemplate"]["Properties"]["LaunchTemplateData"]
    assert launch["IamInstanceProfile"]["Arn"] == {"Fn::GetAtt": [f"{role.capitalize()}InstanceProfile", "Arn"]}


def test_no_secret_in_the_template():
    """Secrets come from Parameter Store at boot: no parameter or default carries one."""
    text = TEMPLATE.read_text()
    for name in ("DATABASE_URL=", "GAS_SECRET_KEY=", "STRIPE_SECRET_KEY=", "STRIPE_WEBHOOK_SECRET=",
                 "GAS_CLIENT_SECRET=", "postgresql://", "sk_live_", "sk_test_"):
        assert name not in text


@pytest.mark.parametrize("role, command", [
    ("Web", "web.sh"), ("Annotator", "worker.sh annotator"), ("Notifier", "worker.sh notifier"),
    ("Archiver", "worker.sh archiver"), ("Restorer", "worker.sh restorer")])
def test_user_data_runs_the_roles_script(template, role, command):
    data = template["Resources"][f"{role}LaunchTemplate"]["Properties"]["LaunchTemplateData"]["UserData"]
    script = data["Fn::Base64"]["Fn::Sub"]
    last = script.strip().splitlines()[-1]
    assert last == f"exec bash /opt/gas/deploy/cloud/userdata/{command}"
    assert (USERDATA / command.split()[0]).is_file()


def test_user_data_scripts_parse():
    for script in sorted(USERDATA.glob("*.sh")):
        subprocess.run(["bash", "-n", str(script)], check=True)


def test_units_start_gunicorn_on_all_interfaces_and_each_worker(tmp_path):
    """Source common.sh and write the units as web.sh and worker.sh do, into a temporary folder."""
    lines = [f"source {USERDATA / 'common.sh'}",
             'UNIT_ENV=("GAS_BIND=0.0.0.0:8050" "FORWARDED_ALLOW_IPS=*")',
             'write_unit gas-web web 30 "$VENV/bin/gunicorn" -c "$GAS_HOME/deploy/gunicorn.conf.py" dashapp.wsgi:app',
             "UNIT_ENV=()",
             'write_unit gas-annotator@ annotator 120 "$VENV/bin/python" -m workers.main annotator']
    subprocess.run(["bash", "-c", "\n".join(lines)], check=True, env={"UNIT_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"})
    web = (tmp_path / "gas-web.service").read_text()
    assert "ExecStart=/opt/gas/.venv/bin/gunicorn -c /opt/gas/deploy/gunicorn.conf.py dashapp.wsgi:app" in web
    assert "Environment=GAS_BIND=0.0.0.0:8050" in web and "User=gas" in web
    assert "EnvironmentFile=/etc/gas/secrets.env" in web
    worker = (tmp_path / "gas-annotator@.service").read_text()
    assert "ExecStart=/opt/gas/.venv/bin/python -m workers.main annotator" in worker
    assert "GAS_BIND" not in worker
    # the same scripts name these commands:
    assert 'write_unit gas-web' in (USERDATA / "web.sh").read_text()
    assert '-m workers.main "$name"' in (USERDATA / "worker.sh").read_text()


def test_cfn_lint_finds_nothing(cfn_lint):
    """cfn-lint checks every property against AWS's published resource specification."""
    if cfn_lint is None:
        pytest.skip("cfn-lint (requirements-dev.txt) is not installed")
    output, _ = cfn_lint.communicate(timeout=120)
    assert cfn_lint.returncode == 0, output
