import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InspectionPhotos1796162813547 implements MigrationInterface {
  name = 'InspectionPhotos1796162813547';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "photo" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "region_code" character varying(20) NOT NULL, "uploaded_by" uuid NOT NULL, "content_type" character varying(40) NOT NULL, "byte_size" integer NOT NULL, "bytes" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_723fa50bf70dcfd06fb5a44d4ff" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_29d7068c0f64dbf736d91444e8" ON "photo"  ("organization_id", "created_at") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_29d7068c0f64dbf736d91444e8"`);
    await queryRunner.query(`DROP TABLE "photo"`);
  }
}
