"""Prints the fields of a SARIF log that the tests check, one per line:
the tool, the rules, and per result its rule, level, primary location,
thread flows (id and frame count), related locations and fingerprint."""
import json
import sys

log = json.load(open(sys.argv[1]))
print("version", log["version"])
(run,) = log["runs"]
driver = run["tool"]["driver"]
print("tool", driver["name"], "rules", " ".join(r["id"] for r in driver["rules"]))
for rule in driver["rules"]:
    assert rule["help"]["text"], rule
print("results", len(run["results"]))
for r in run["results"]:
    print("result", r["ruleId"], r["level"], "index", r["ruleIndex"])
    assert driver["rules"][r["ruleIndex"]]["id"] == r["ruleId"]
    print("message", r["message"]["text"])
    for loc in r["locations"]:
        p = loc["physicalLocation"]
        print("at", p["artifactLocation"]["uri"].split("/")[-1], p["region"]["startLine"],
              loc["logicalLocations"][0]["fullyQualifiedName"])
    for flow in r["codeFlows"][0]["threadFlows"]:
        frames = flow["locations"]
        levels = [f.get("nestingLevel") for f in frames]
        assert levels == list(range(len(frames))) or levels == [None], levels
        innermost = frames[-1]["location"]["message"]["text"]
        print("flow", flow["id"], "frames", len(frames), "innermost", innermost)
    for rel in r.get("relatedLocations", []):
        print("related", rel["id"], rel["message"]["text"])
    fp = r["partialFingerprints"]["chansan/v1"]
    print("fingerprint", len(fp), fp)
