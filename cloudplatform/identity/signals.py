"""What identity announces to the packages above it, which it must not import (notify).

Receivers run synchronously in the sender's transaction: what they write commits or rolls back with
the work that sent the signal.
"""

from blinker import Namespace

signals = Namespace()

# sender: the decided ResidencyRequest; keyword arguments: approved (bool), reason (str)
residency_decided = signals.signal("residency-decided")
