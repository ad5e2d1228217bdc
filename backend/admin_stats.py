"""Counts for the admin page: users by tier and how many messages wait in each queue."""
from __future__ import annotations

from sqlalchemy import func, select

from backend.domain import Role
from backend.ports import Bus
from backend.users import User, UserStore


def users_by_tier(users: UserStore) -> dict[str, int]:
    """{"free_user": n, "premium_user": m, "admin": k}; admins are counted in their tier too."""
    counts = {Role.FREE.value: 0, Role.PREMIUM.value: 0}
    with users.session() as s:
        for role, n in s.execute(select(User.role, func.count()).group_by(User.role)):
            counts[role] = n
        counts["admin"] = s.scalar(select(func.count()).select_from(User).where(User.is_admin.is_(True))) or 0
    return counts


def queue_depths(bus: Bus) -> dict[str, int]:
    """Messages waiting (not leased) per queue, by queue name."""
    return {getattr(q, "name", type(q).__name__): q.depth() for q in bus.queues()}
