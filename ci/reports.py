#!/usr/bin/env python3
"""reports.py TAP JUNIT JSON: the three reports of one run, as their
consumers read them, and against each other.

JUnit: what Ant's schema requires of a testsuite (name, tests, failures,
errors, skipped, time, timestamp without a zone, hostname, properties,
system-out, system-err) and of a testcase (name, classname, time), a type
and a message on every failure and error, and counts that match the
elements.  JSON: every key README documents, a summary that adds up.
TAP: one test point per job, its failures those of JUnit and JSON.
Prints one line; exits 1 with the first broken rule.
"""
import json
import re
import sys
import xml.etree.ElementTree as ET

JOB_KEYS = {"case", "variant", "file", "backend", "kernel", "verdict", "class",
            "line", "at_ns", "wall_ns", "expected", "observed", "xfail_reason",
            "notes", "blocked_in", "output", "run"}
TOP_KEYS = {"tuncheck", "version", "started", "host", "host_kernel", "command",
            "summary", "jobs"}


def fail(why):
    print(f"reports: {why}")
    sys.exit(1)


tap_path, junit_path, json_path = sys.argv[1:4]
tap = open(tap_path, encoding="ascii").read()  # TAP lines are ASCII only
points = re.findall(r"^(not ok|ok) \d+ - (.*)$", tap, re.M)
plan = re.search(r"^1\.\.(\d+)$", tap, re.M)
if not plan or int(plan.group(1)) != len(points):
    fail(f"TAP plan {plan and plan.group(1)} for {len(points)} test points")
tap_bad = sum(1 for s, rest in points if s == "not ok" and "# TODO" not in rest)

suite = ET.parse(junit_path).getroot().find("testsuite")
if suite is None:
    fail("no <testsuite>")
for a in ("name", "tests", "failures", "errors", "skipped", "time", "timestamp", "hostname"):
    if a not in suite.attrib:
        fail(f"<testsuite> has no {a}")
if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", suite.get("timestamp")):
    fail(f"timestamp {suite.get('timestamp')} is not ISO 8601 without a zone")
for child in ("properties", "system-out", "system-err"):
    if suite.find(child) is None:
        fail(f"<testsuite> has no <{child}>")
cases = suite.findall("testcase")
for tc in cases:
    for a in ("name", "classname", "time"):
        if a not in tc.attrib:
            fail(f"<testcase> {tc.get('name')} has no {a}")
    float(tc.get("time"))
    for el in tc.findall("failure") + tc.findall("error"):
        if not el.get("type") or el.get("message") is None:
            fail(f"{tc.get('name')}: <{el.tag}> without type or message")
count = {t: sum(len(tc.findall(t)) for tc in cases) for t in ("failure", "error", "skipped")}
if (int(suite.get("tests")), int(suite.get("failures")), int(suite.get("errors")),
        int(suite.get("skipped"))) != (len(cases), count["failure"], count["error"], count["skipped"]):
    fail("<testsuite> counts differ from its testcases")

doc = json.load(open(json_path))
if set(doc) != TOP_KEYS:
    fail(f"JSON keys {sorted(set(doc) ^ TOP_KEYS)} differ from README's")
for j in doc["jobs"]:
    if set(j) != JOB_KEYS:
        fail(f"job keys {sorted(set(j) ^ JOB_KEYS)} differ from README's")
s = doc["summary"]
if s["jobs"] != len(doc["jobs"]) or sum(v for k, v in s.items() if k != "jobs") != s["jobs"]:
    fail("JSON summary does not add up")
json_bad = sum(s[v] for v in ("fail", "error", "timeout", "xpass"))

if not len(points) == len(cases) == len(doc["jobs"]):
    fail(f"{len(points)} TAP points, {len(cases)} testcases, {len(doc['jobs'])} JSON jobs")
if not tap_bad == count["failure"] + count["error"] == json_bad:
    fail(f"failures: TAP {tap_bad}, JUnit {count['failure'] + count['error']}, JSON {json_bad}")
print(f"reports: {len(points)} jobs, {tap_bad} failing in TAP, JUnit and JSON alike; "
      f"JUnit has what Ant's schema requires; JSON has every documented key")
