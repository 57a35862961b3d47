"""A plain summary of the model's state, for people debugging a lab ("why is my tunnel down?").

Not a FortiOS view: it names the reason each static phase1 found no peer, each phase2 could not
pair and each BGP neighbor is not established, in words. Served by the admin API (``GET /model``)
and ``fortigate-sim model``.
"""

from __future__ import annotations

from .engine import LabModel


def _node(node) -> str:
    return f"{node[0]}/{node[1]}"


def describe(model: LabModel) -> dict:
    now = model.refresh()
    tunnels = []
    for link in model.links.values():
        children = []
        for child in link.children.values():
            children.append({"a": child.a_p2.name if child.a_p2 else None,
                             "b": child.b_p2.name if child.b_p2 else None,
                             "up": child.up, "reason": child.reason or None,
                             "expires_in": round(child.expires_at - now) if child.up else None})
        tunnels.append({"kind": link.kind, "a": f"{_node(link.a.node)} {link.a.name}",
                        "b": f"{_node(link.b.node)} {link.b.name}", "initiator": link.initiator,
                        "proposal": link.proposal, "up_for": round(now - link.established_at),
                        "a_learned": str(link.a.learned) if link.a.learned else None,
                        "b_learned": str(link.b.learned) if link.b.learned else None,
                        "phase2": children})
    unmatched = [{"phase1": f"{_node(node)} {name}", "reason": reason}
                 for (node, name), reason in sorted(model.reasons.items())]
    bgp = [{"node": _node(a.node), "neighbor": str(a.neighbor),
            "state": "Established" if a.session else "Active", "reason": None if a.session else a.reason}
           for a in model.routing.attempts]
    return {"time": round(now, 3), "tunnels": tunnels, "phase1_without_peer": unmatched, "bgp_neighbors": bgp}


def text(report: dict) -> str:
    lines = [f"simulated time {report['time']}s"]
    lines.append("tunnels:" if report["tunnels"] else "tunnels: none")
    for t in report["tunnels"]:
        learned = f" learned a<-{t['a_learned'] or '-'} b<-{t['b_learned'] or '-'}"
        lines.append(f"  {t['kind']:<8} {t['a']} <-> {t['b']} ({t['proposal']}, up {t['up_for']}s){learned}")
        for p2 in t["phase2"]:
            state = "up" if p2["up"] else f"down{' (' + p2['reason'] + ')' if p2['reason'] else ''}"
            lines.append(f"           phase2 {p2['a'] or '-'} / {p2['b'] or '-'}: {state}")
    for item in report["phase1_without_peer"]:
        lines.append(f"  no peer  {item['phase1']}: {item['reason']}")
    for item in report["bgp_neighbors"]:
        why = f" ({item['reason']})" if item["reason"] else ""
        lines.append(f"  bgp      {item['node']} -> {item['neighbor']}: {item['state']}{why}")
    return "\n".join(lines) + "\n"
