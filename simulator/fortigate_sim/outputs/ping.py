"""``execute ping`` output (FortiOS prints one line per reply; lost packets print nothing)."""

from __future__ import annotations


def ping_text(report, data_bytes: int = 56) -> str:
    lines = [f"PING {report.dst} ({report.dst}): {data_bytes} data bytes"]
    received = [r for r in report.replies if r.ok]
    for reply in report.replies:
        if reply.ok:
            lines.append(f"{data_bytes + 8} bytes from {report.dst}: icmp_seq={reply.seq} ttl={reply.ttl} "
                         f"time={reply.rtt_ms:.1f} ms")
    sent = len(report.replies)
    loss = 0 if not sent else round(100 * (sent - len(received)) / sent)
    lines += ["", f"--- {report.dst} ping statistics ---",
              f"{sent} packets transmitted, {len(received)} packets received, {loss}% packet loss"]
    if received:
        times = [r.rtt_ms for r in received]
        lines.append(f"round-trip min/avg/max = {min(times):.1f}/{sum(times) / len(times):.1f}/{max(times):.1f} ms")
    return "\n".join(lines) + "\n"
