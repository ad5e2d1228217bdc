"""Create the fleet stack with cloudformation.create_stack against moto on 127.0.0.1 and look at what it made.

moto 5.2.5's CloudFormation does not implement AWS::CloudWatch::Alarm or
AWS::AutoScaling::ScalingPolicy (it warns and skips them) nor the GetAtts
LoadBalancerFullName/TargetGroupFullName. So the test checks those resources
it does make (groups, load balancer, target group, listener, roles, instance
profiles, launch templates, the environment parameter), then puts the
template's own policies and alarms through the Auto Scaling and CloudWatch
APIs moto does implement, with their references resolved to what the stack
made, and reads back what moto reports. If moto starts creating them itself,
the test checks those instead.
"""
from __future__ import annotations

import pytest

from backend.adapters.aws_resources import Names
from tests.aws.moto_peer import unique
from tests.deploy.template import TEMPLATE, resources_of_type

SKIPPED_BY_MOTO = {"AWS::CloudWatch::Alarm", "AWS::AutoScaling::ScalingPolicy"}
pytestmark = pytest.mark.filterwarnings("ignore:Tried to parse .* by moto.s CloudFormation implementation:UserWarning")


@pytest.fixture(scope="module")
def stack(aws_endpoint, template):
    import boto3
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.7.{i}.0/24", AvailabilityZone=f"us-east-1{az}")["Subnet"]["SubnetId"]
               for i, az in enumerate("ab")]
    cfn = boto3.client("cloudformation")
    name = unique("gas-fleet")
    params = {"VpcId": vpc, "LoadBalancerSubnets": ",".join(subnets), "InstanceSubnets": ",".join(subnets),
              "ReleaseBucket": "gas-releases-test", "MailFromAddress": "gas@example.org"}
    cfn.create_stack(StackName=name, TemplateBody=TEMPLATE.read_text(), Capabilities=["CAPABILITY_IAM"],
                     Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in params.items()])
    cfn.get_waiter("stack_create_complete").wait(StackName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    resources = {r["LogicalResourceId"]: r for r in cfn.list_stack_resources(StackName=name)["StackResourceSummaries"]}
    outputs = {o["OutputKey"]: o["OutputValue"] for o in cfn.describe_stacks(StackName=name)["Stacks"][0]["Outputs"]}
    return {"name": name, "resources": resources, "outputs": outputs, "params": params}


def physical(stack, logical: str) -> str:
    return stack["resources"][logical]["PhysicalResourceId"]


def test_every_supported_resource_is_created(stack, template):
    expected = {n for n, r in template["Resources"].items()
                if r["Type"] not in SKIPPED_BY_MOTO and "Condition" not in r}
    made = {n for n, r in stack["resources"].items() if r["ResourceStatus"] == "CREATE_COMPLETE"}
    assert expected <= made, expected - made


def test_groups_have_the_design_sizes(stack):
    import boto3
    asg = boto3.client("autoscaling")
    want = {"WebGroup": (2, 10), "AnnotatorGroup": (2, 10), "NotifierGroup": (1, 1),
            "ArchiverGroup": (1, 1), "RestorerGroup": (1, 1)}
    groups = {g["AutoScalingGroupName"]: g for g in asg.describe_auto_scaling_groups(
        AutoScalingGroupNames=[physical(stack, n) for n in want])["AutoScalingGroups"]}
    for logical, (low, high) in want.items():
        g = groups[physical(stack, logical)]
        assert (g["MinSize"], g["MaxSize"]) == (low, high), logical
        assert g["DesiredCapacity"] == low, logical
    web = groups[physical(stack, "WebGroup")]
    assert web["TargetGroupARNs"] == [physical(stack, "WebTargetGroup")]
    assert web["HealthCheckType"] == "ELB"


def test_load_balancer_forwards_to_web_servers_checked_on_healthz(stack):
    import boto3
    elb = boto3.client("elbv2")
    (tg,) = elb.describe_target_groups(TargetGroupArns=[physical(stack, "WebTargetGroup")])["TargetGroups"]
    assert (tg["Port"], tg["Protocol"], tg["HealthCheckPath"]) == (8050, "HTTP", "/healthz")
    assert tg["LoadBalancerArns"] == [physical(stack, "LoadBalancer")]
    (listener,) = elb.describe_listeners(LoadBalancerArn=physical(stack, "LoadBalancer"))["Listeners"]
    assert listener["Port"] == 80        # no CertificateArn given: plain HTTP, forwarding
    assert listener["DefaultActions"][0]["TargetGroupArn"] == tg["TargetGroupArn"]
    assert stack["outputs"]["Url"].startswith("http://")


def test_instance_profiles_carry_one_role_each(stack):
    import boto3
    iam = boto3.client("iam")
    for role in ("Web", "Annotator", "Notifier", "Archiver", "Restorer"):
        profile = iam.get_instance_profile(InstanceProfileName=physical(stack, f"{role}InstanceProfile"))["InstanceProfile"]
        assert [r["RoleName"] for r in profile["Roles"]] == [physical(stack, f"{role}Role")]
        policies = iam.list_role_policies(RoleName=physical(stack, f"{role}Role"))["PolicyNames"]
        assert policies == [f"gas-{role.lower()}"]


def test_environment_parameter_gives_the_create_resources_names(stack):
    """The env file every instance loads names the resources create-resources makes."""
    import boto3
    value = boto3.client("ssm").get_parameter(Name=physical(stack, "GasEnvironment"))["Parameter"]["Value"]
    env = dict(line.split("=", 1) for line in value.splitlines() if line)
    assert env["GAS_BACKEND"] == "aws" and env["GAS_ENV"] == "production" and env["AWS_REGION"] == "us-east-1"
    assert env["GAS_BASE_URL"] == stack["outputs"]["Url"]
    assert env["GAS_MAIL_FROM"] == '"GAS <gas@example.org>"'
    aws = {k[len("GAS_AWS_"):].lower(): v for k, v in env.items() if k.startswith("GAS_AWS_")}
    assert Names.from_settings(aws) == Names.from_settings({})
    assert not {"DATABASE_URL", "GAS_SECRET_KEY"} & set(env)


def _resolve(value, stack, template, made: dict):
    """Resolve the few intrinsics the alarms and policies use, to what the stack made."""
    if isinstance(value, list):
        return [_resolve(v, stack, template, made) for v in value]
    if not isinstance(value, dict):
        return value
    if "Ref" in value:
        name = value["Ref"]
        if name in made:
            return made[name]
        if name in stack["params"]:
            return stack["params"][name]
        if name in template["Parameters"]:
            return template["Parameters"][name]["Default"]
        return physical(stack, name)
    if "Fn::GetAtt" in value:
        logical, attr = value["Fn::GetAtt"]
        arn = physical(stack, logical)
        # What AWS returns: the part of the ARN after "loadbalancer/" or the "targetgroup/..." part.
        return {"LoadBalancerFullName": lambda: arn.split(":loadbalancer/", 1)[1],
                "TargetGroupFullName": lambda: arn.split(":", 5)[5]}[attr]()
    return {k: _resolve(v, stack, template, made) for k, v in value.items()}


@pytest.fixture(scope="module")
def alarms(stack, template):
    """The stack's alarms as CloudWatch reports them, with the scaling policies they fire."""
    import boto3
    asg, cw = boto3.client("autoscaling"), boto3.client("cloudwatch")
    alarm_names = {n: f"{stack['name']}-{n}" for n in resources_of_type(template, "AWS::CloudWatch::Alarm")}
    if not any(n in stack["resources"] for n in alarm_names):
        # moto skipped them (see the module docstring): apply the template's definitions through the APIs.
        made = {}
        for name, policy in resources_of_type(template, "AWS::AutoScaling::ScalingPolicy").items():
            props = _resolve(policy["Properties"], stack, template, made)
            asg.put_scaling_policy(
                PolicyName=name, AutoScalingGroupName=props["AutoScalingGroupName"], PolicyType=props["PolicyType"],
                AdjustmentType=props["AdjustmentType"], ScalingAdjustment=int(props["ScalingAdjustment"]),
                Cooldown=int(props["Cooldown"]))
            (made[name],) = [p["PolicyARN"] for p in asg.describe_policies(
                AutoScalingGroupName=props["AutoScalingGroupName"], PolicyNames=[name])["ScalingPolicies"]]
        for name, alarm in resources_of_type(template, "AWS::CloudWatch::Alarm").items():
            props = _resolve(alarm["Properties"], stack, template, made)
            cw.put_metric_alarm(AlarmName=alarm_names[name], **props)
    else:
        alarm_names = {n: physical(stack, n) for n in alarm_names}
    reported = {a["AlarmName"]: a for a in cw.describe_alarms(AlarmNames=list(alarm_names.values()))["MetricAlarms"]}
    policies = {p["PolicyARN"]: p for p in asg.describe_policies()["ScalingPolicies"]}
    out = {}
    for logical, physical_name in alarm_names.items():
        a = reported[physical_name]
        (action,) = a["AlarmActions"]
        out[logical] = (a, policies[action])
    return out


def test_web_alarms_as_cloudwatch_reports_them(stack, alarms):
    out, out_policy = alarms["WebScaleOutAlarm"]
    assert (out["MetricName"], out["Statistic"], out["Period"], out["EvaluationPeriods"]) == ("HTTPCode_Target_2XX_Count", "Sum", 60, 1)
    assert (out["ComparisonOperator"], out["Threshold"]) == ("GreaterThanThreshold", 200.0)
    dims = {d["Name"]: d["Value"] for d in out["Dimensions"]}
    assert physical(stack, "WebTargetGroup").endswith(dims["TargetGroup"])
    assert physical(stack, "LoadBalancer").endswith(dims["LoadBalancer"])
    assert (out_policy["AutoScalingGroupName"], out_policy["ScalingAdjustment"]) == (physical(stack, "WebGroup"), 1)

    inward, in_policy = alarms["WebScaleInAlarm"]
    assert (inward["MetricName"], inward["Statistic"], inward["Period"]) == ("TargetResponseTime", "Average", 60)
    assert (inward["ComparisonOperator"], inward["Threshold"]) == ("LessThanThreshold", 0.01)
    assert (in_policy["AutoScalingGroupName"], in_policy["ScalingAdjustment"]) == (physical(stack, "WebGroup"), -1)


def test_annotator_alarms_as_cloudwatch_reports_them(stack, alarms):
    queue = [{"Name": "QueueName", "Value": Names.from_settings({}).annotator_queue}]
    out, out_policy = alarms["AnnotatorScaleOutAlarm"]
    assert (out["Namespace"], out["MetricName"], out["Statistic"]) == ("AWS/SQS", "NumberOfMessagesSent", "Sum")
    assert (out["Period"] * out["EvaluationPeriods"], out["ComparisonOperator"], out["Threshold"]) == (300, "GreaterThanThreshold", 10.0)
    assert out["Dimensions"] == queue
    assert (out_policy["AutoScalingGroupName"], out_policy["ScalingAdjustment"]) == (physical(stack, "AnnotatorGroup"), 1)

    inward, in_policy = alarms["AnnotatorScaleInAlarm"]
    assert (inward["MetricName"], inward["Statistic"]) == ("NumberOfMessagesSent", "Sum")
    assert (inward["Period"] * inward["EvaluationPeriods"], inward["ComparisonOperator"], inward["Threshold"]) == (120, "LessThanThreshold", 5.0)
    assert inward["Dimensions"] == queue
    assert (in_policy["AutoScalingGroupName"], in_policy["ScalingAdjustment"]) == (physical(stack, "AnnotatorGroup"), -1)
