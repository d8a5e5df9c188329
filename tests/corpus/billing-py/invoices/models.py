import uuid

from django.db import models


class Invoice(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft"
        ISSUED = "issued"
        PAID = "paid"
        VOID = "void"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(max_length=32, unique=True)
    customer_id = models.UUIDField(db_index=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    total_cents = models.BigIntegerField()
    currency = models.CharField(max_length=3, default="EUR")
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.number
