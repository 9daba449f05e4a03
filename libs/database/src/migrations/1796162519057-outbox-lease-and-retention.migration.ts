import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OutboxLeaseAndRetention1796162519057 implements MigrationInterface {
  name = 'OutboxLeaseAndRetention1796162519057';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "outbox_message" ADD "claimed_until" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "outbox_message" ADD "claimed_by" character varying(100)`);
    await queryRunner.query(`CREATE INDEX "IDX_7e9be864bd21cd6f061f74d9cf" ON "idempotency_record"  ("created_at") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_7e9be864bd21cd6f061f74d9cf"`);
    await queryRunner.query(`ALTER TABLE "outbox_message" DROP COLUMN "claimed_by"`);
    await queryRunner.query(`ALTER TABLE "outbox_message" DROP COLUMN "claimed_until"`);
  }
}
