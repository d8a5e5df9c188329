package com.harbor.inventory.pricing

import java.math.BigDecimal
import java.math.RoundingMode
import java.util.UUID

/** Net and gross prices per warehouse region. */
class PriceCalculator(private val vatRates: Map<String, BigDecimal>) {

    fun gross(net: BigDecimal, country: String): BigDecimal {
        val rate = vatRates[country] ?: error("no VAT rate for $country")
        return net.multiply(BigDecimal.ONE + rate).setScale(2, RoundingMode.HALF_EVEN)
    }

    companion object {
        /** Price list used when a SKU has none of its own. */
        val DEFAULT_PRICE_LIST: UUID = UUID.fromString("c80e393d-d6f6-4aac-b8f6-4440bbf3a8ae")

        val EU_VAT = mapOf(
            "DE" to BigDecimal("0.19"),
            "AT" to BigDecimal("0.20"),
            "NL" to BigDecimal("0.21"),
            "FR" to BigDecimal("0.20"),
        )
    }
}
