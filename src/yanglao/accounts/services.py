from __future__ import annotations

import copy
import datetime as dt
import hashlib
import secrets
import time

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from yanglao.accounts.models import ApiToken, User
from yanglao.core import permissions
from yanglao.core.audit import audit, audit_create
from yanglao.core.errors import ValidationFailed
from yanglao.core.notes import TRUSTED_NOTES
from yanglao.core.permissions import Role
from yanglao.core.queries import CompiledQuery
from yanglao.core.scope import region_path_allowed, sees_everything
from yanglao.regions.models import Region


def user_create(
    *,
    by,
    username: str,
    password: str,
    role: str,
    region: Region | None = None,
    full_name: str = "",
    can_view_full_pii: bool = False,
) -> User:
    """Create an account; the creator may only hand out their own area or a part of it."""
    errors: dict[str, str] = {}
    if by is not None and not sees_everything(by):
        errors["__all__"] = "只有系统管理员可以创建账户"
    if not username.strip():
        errors["username"] = "用户名不能为空"
    elif User.objects.filter(username=username).exists():
        errors["username"] = "该用户名已被使用"
    if role not in {r.value for r in Role}:
        errors["role"] = "角色不在可选范围内"
    elif permissions.scoped_by_region(role) and region is None:
        errors["region"] = "该角色需要指定管辖区域"
    if (
        region is not None
        and by is not None
        and not region_path_allowed(by, region.path)
    ):
        errors["region"] = "该区域不在您的管辖范围内"
    try:
        validate_password(password)
    except ValidationError as exc:
        errors["password"] = "；".join(exc.messages)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        user = User(
            username=username,
            role=role,
            region=region,
            full_name=full_name,
            can_view_full_pii=can_view_full_pii,
        )
        user.is_staff = user.is_superuser = permissions.sees_everything(user)
        user.set_password(password)
        user.save()
        audit_create(
            by=by, obj=user, summary=f"创建账户 {username}（{user.role_name}）"
        )
    return user


def _token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def credential_stamp(user: User) -> str:
    """What a token remembers of the credentials it was issued for (accounts.models.ApiToken)."""
    return salted_hmac(
        "yanglao.api-token", f"{user.password}|{user.is_active}", algorithm="sha256"
    ).hexdigest()[:32]


def api_token_issue(*, username: str, password: str) -> tuple[str, ApiToken]:
    """POST /api/v1/auth/token: the same lock-out rules as the log-in page."""
    user = authenticate(username=username, password=password)
    if user is None:
        locked = User.objects.filter(
            username=username, locked_until__gt=timezone.now()
        ).exists()
        reason = "账户已被锁定，请稍后再试" if locked else "用户名或密码错误"
        raise ValidationFailed({"password": reason})
    key = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            key_hash=_token_hash(key),
            expires_at=timezone.now() + dt.timedelta(days=settings.API_TOKEN_DAYS),
            credential_stamp=credential_stamp(user),
        )
        audit(by=user, action="login", obj=user, summary="签发 API 令牌")
    return key, token


# Every API request looks its token up: compiled once per process (core.queries.CompiledQuery).
_TOKEN_BY_HASH = CompiledQuery(
    lambda key_hash: ApiToken.objects.select_related("user", "user__region").filter(
        key_hash=key_hash
    )
)


# Tokens this process has found valid: key hash → (until, token expiry, user as read). A client
# makes many requests a minute, and reading the token each time was one statement of every API
# request's seven (bench/homecare.py). The price: a user deactivated (or a token deleted) in the
# admin is still let in by a process that found the token valid, for at most
# settings.API_TOKEN_CACHE_SECONDS (10 by default, 0 turns this off). docs/configuration.md.
_VALID_TOKENS: dict[str, tuple[float, dt.datetime, User]] = {}
_VALID_TOKENS_MAX = 20_000


def api_token_user(key: str) -> User | None:
    key_hash = _token_hash(key)
    now = timezone.now()
    seen = _VALID_TOKENS.get(key_hash)
    if seen is not None and seen[0] > time.monotonic() and seen[1] > now:
        return copy.copy(
            seen[2]
        )  # each request its own object (selectors keep notes on it)
    token = _TOKEN_BY_HASH.first(key_hash=key_hash)
    if token is None or not _token_valid(token, now):
        _VALID_TOKENS.pop(key_hash, None)
        return None
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    if settings.API_TOKEN_CACHE_SECONDS > 0:
        if len(_VALID_TOKENS) >= _VALID_TOKENS_MAX:
            _VALID_TOKENS.clear()
        # The window's copies share one dict of notes (core.notes.user_note): facts such as the
        # carer record behind the account are read once per window too.
        setattr(token.user, TRUSTED_NOTES, {})
        _VALID_TOKENS[key_hash] = (
            time.monotonic() + settings.API_TOKEN_CACHE_SECONDS,
            token.expires_at,
            copy.copy(token.user),
        )
    return token.user


def _token_valid(token: ApiToken, now: dt.datetime) -> bool:
    return (
        token.expires_at > now
        and token.revoked_at is None
        and token.user.is_active
        and token.credential_stamp == credential_stamp(token.user)
    )


def api_token_revoke(*, key: str) -> bool:
    """POST /api/v1/auth/revoke: this token stops working (at once in this process, within the
    trust window in others)."""
    key_hash = _token_hash(key)
    _VALID_TOKENS.pop(key_hash, None)
    done = ApiToken.objects.filter(key_hash=key_hash, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return bool(done)


def api_tokens_revoke_all(*, user: User, reason: str) -> int:
    """Every live token of the user (log-out, "all": true, an administrator's action)."""
    now = timezone.now()
    hashes = list(
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).values_list(
            "key_hash", flat=True
        )
    )
    for key_hash in hashes:
        _VALID_TOKENS.pop(key_hash, None)
    done = ApiToken.objects.filter(key_hash__in=hashes).update(revoked_at=now)
    if done:
        audit(
            by=user,
            action="event",
            obj=user,
            summary=f"撤销 API 令牌 {done} 个（{reason}）",
        )
    return done


def api_tokens_forget() -> None:
    """Forget the tokens this process found valid (tests; after deactivating users in bulk)."""
    _VALID_TOKENS.clear()
