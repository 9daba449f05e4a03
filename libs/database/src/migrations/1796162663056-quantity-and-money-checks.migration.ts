import type { MigrationInterface, QueryRunner } from 'typeorm';

export class QuantityAndMoneyChecks1796162663056 implements MigrationInterface {
  name = 'QuantityAndMoneyChecks1796162663056';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "demand_line" ADD CONSTRAINT "CHK_demand_line_max_price" CHECK (max_unit_price IS NULL OR (max_unit_price >= 0 AND max_unit_price <= 9007199254740991))`);
    await queryRunner.query(`ALTER TABLE "demand_line" ADD CONSTRAINT "CHK_demand_line_awarded" CHECK (awarded_quantity >= 0 AND awarded_quantity <= quantity)`);
    await queryRunner.query(`ALTER TABLE "offer" ADD CONSTRAINT "CHK_offer_price_safe" CHECK (unit_price <= 9007199254740991)`);
    await queryRunner.query(`ALTER TABLE "purchase_order" ADD CONSTRAINT "CHK_purchase_order_total" CHECK (total >= 0 AND total <= 9007199254740991)`);
    await queryRunner.query(`ALTER TABLE "order_line" ADD CONSTRAINT "CHK_order_line_price" CHECK (unit_price >= 0 AND unit_price <= 9007199254740991)`);
    await queryRunner.query(`ALTER TABLE "invoice" ADD CONSTRAINT "CHK_invoice_total" CHECK (total >= 0 AND total <= 9007199254740991)`);
    await queryRunner.query(`ALTER TABLE "consignment_payable" ADD CONSTRAINT "CHK_consignment_payable_amount" CHECK (quantity >= 0 AND amount >= 0 AND amount <= 9007199254740991)`);
    await queryRunner.query(`ALTER TABLE "shortfall" ADD CONSTRAINT "CHK_shortfall_quantity" CHECK (quantity > 0 AND reawarded_quantity >= 0 AND reawarded_quantity <= quantity)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "shortfall" DROP CONSTRAINT "CHK_shortfall_quantity"`);
    await queryRunner.query(`ALTER TABLE "consignment_payable" DROP CONSTRAINT "CHK_consignment_payable_amount"`);
    await queryRunner.query(`ALTER TABLE "invoice" DROP CONSTRAINT "CHK_invoice_total"`);
    await queryRunner.query(`ALTER TABLE "order_line" DROP CONSTRAINT "CHK_order_line_price"`);
    await queryRunner.query(`ALTER TABLE "purchase_order" DROP CONSTRAINT "CHK_purchase_order_total"`);
    await queryRunner.query(`ALTER TABLE "offer" DROP CONSTRAINT "CHK_offer_price_safe"`);
    await queryRunner.query(`ALTER TABLE "demand_line" DROP CONSTRAINT "CHK_demand_line_awarded"`);
    await queryRunner.query(`ALTER TABLE "demand_line" DROP CONSTRAINT "CHK_demand_line_max_price"`);
  }
}
