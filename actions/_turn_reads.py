"""The shop's reads remembered for one call of the action server (one action or one form
validation): a form's validation reads the customer's order up to three times (the required
slots before and after validating, the validation itself), a handoff reads the customer twice
(VIP check, packet). Each read costs a SQL session and three queries; one is enough per call.

The memo lives in a context variable that ``begin_call`` sets for the request being served
(actions.server's request middleware); outside a call (tests, scripts) every read goes to the
shop. Any write (cancel, change, return, invoice, repair, binding) forgets what was read, so a
read after a write sees the write."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from shop import Customer, Invoice, Order, Refund, RepairRequest, ReturnRequest, ShopBackend

_memo: ContextVar[dict[tuple[Any, ...], Any] | None] = ContextVar("kefu_turn_reads", default=None)


def begin_call() -> None:
    """Start remembering reads for the current request (its task's context)."""
    _memo.set({})


class TurnReads:
    """Implements :class:`shop.ShopBackend` over another backend, remembering its reads for the
    current call (see the module's docstring)."""

    def __init__(self, shop: ShopBackend) -> None:
        self.shop = shop

    async def _read(self, key: tuple[Any, ...], read: Any) -> Any:
        memo = _memo.get()
        if memo is None:
            return await read()
        if key not in memo:
            memo[key] = await read()
        return memo[key]

    def _forget(self) -> None:
        memo = _memo.get()
        if memo is not None:
            memo.clear()

    # ------------------------------------------------------------ reads (remembered)

    async def customer(self, customer_id: str) -> Customer | None:
        result: Customer | None = await self._read(
            ("customer", customer_id), lambda: self.shop.customer(customer_id)
        )
        return result

    async def order(self, customer_id: str, order_id: str) -> Order | None:
        result: Order | None = await self._read(
            ("order", customer_id, order_id), lambda: self.shop.order(customer_id, order_id)
        )
        return result

    async def recent_orders(self, customer_id: str, limit: int = 5) -> list[Order]:
        result: list[Order] = await self._read(
            ("recent_orders", customer_id, limit),
            lambda: self.shop.recent_orders(customer_id, limit),
        )
        return list(result)

    # ------------------------------------------------------------ reads (not remembered)

    async def product_names(self) -> list[str]:
        return await self.shop.product_names()

    async def customer_by_openid(self, openid: str) -> Customer | None:
        return await self.shop.customer_by_openid(openid)

    async def customer_by_phone(self, phone: str) -> Customer | None:
        return await self.shop.customer_by_phone(phone)

    async def refunds(self, customer_id: str, order_id: str | None = None) -> list[Refund]:
        return await self.shop.refunds(customer_id, order_id)

    async def invoices(self, customer_id: str, order_id: str) -> list[Invoice]:
        return await self.shop.invoices(customer_id, order_id)

    # ------------------------------------------------------------ writes (forget the reads)

    async def bind_openid(self, customer_id: str, openid: str | None) -> bool:
        self._forget()
        return await self.shop.bind_openid(customer_id, openid)

    async def cancel_order(self, customer_id: str, order_id: str) -> Order | None:
        self._forget()
        return await self.shop.cancel_order(customer_id, order_id)

    async def change_contact(
        self,
        customer_id: str,
        order_id: str,
        *,
        address: str | None = None,
        phone: str | None = None,
    ) -> Order | None:
        self._forget()
        return await self.shop.change_contact(customer_id, order_id, address=address, phone=phone)

    async def create_return(
        self, customer_id: str, order_id: str, reason: str, quality_issue: bool
    ) -> ReturnRequest | None:
        self._forget()
        return await self.shop.create_return(customer_id, order_id, reason, quality_issue)

    async def request_invoice(
        self, customer_id: str, order_id: str, invoice_type: str, title: str
    ) -> Invoice | None:
        self._forget()
        return await self.shop.request_invoice(customer_id, order_id, invoice_type, title)

    async def create_repair(
        self, customer_id: str, order_id: str, fault: str
    ) -> RepairRequest | None:
        self._forget()
        return await self.shop.create_repair(customer_id, order_id, fault)
