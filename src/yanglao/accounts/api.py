from __future__ import annotations

import datetime as dt

from ninja import Router, Schema
from ninja.security import HttpBearer

from yanglao.accounts import services

router = Router(tags=["认证"])


class BearerToken(HttpBearer):
    """Authorization: Bearer <token> from POST /api/v1/auth/token."""

    def authenticate(self, request, token: str):
        user = services.api_token_user(token)
        if user is not None:
            request.user = user
        return user


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"
    expires_at: dt.datetime
    username: str
    role: str


class RevokeIn(Schema):
    all: bool = False


class RevokeOut(Schema):
    revoked: int


@router.post(
    "/revoke",
    response=RevokeOut,
    summary="撤销令牌（本令牌，或 all=true 撤销本账户全部令牌）",
)
def revoke(request, body: RevokeIn | None = None):
    if body is not None and body.all:
        return {
            "revoked": services.api_tokens_revoke_all(
                user=request.user, reason="接口撤销"
            )
        }
    key = request.headers.get("Authorization", "").partition(" ")[2].strip()
    return {"revoked": int(services.api_token_revoke(key=key))}


@router.post("/token", auth=None, response=TokenOut, summary="用户名和密码换取令牌")
def token(request, body: TokenIn):
    key, tok = services.api_token_issue(username=body.username, password=body.password)
    return {
        "token": key,
        "expires_at": tok.expires_at,
        "username": tok.user.username,
        "role": tok.user.role,
    }
