import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Webhooks1796240190825 implements MigrationInterface {
  name = 'Webhooks1796240190825';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "webhook" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "url" character varying(2000) NOT NULL, "kinds" text array NOT NULL, "secret_ciphertext" text NOT NULL, "created_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e6765510c2d078db49632b59020" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_aa897f501df8e3fc2daf475d2c" ON "webhook"  ("organization_id", "created_at") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_aa897f501df8e3fc2daf475d2c"`);
    await queryRunner.query(`DROP TABLE "webhook"`);
  }
}
