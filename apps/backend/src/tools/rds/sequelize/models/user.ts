import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type NonAttribute,
  type Sequelize,
} from 'sequelize';
import type { Membership } from './membership';
import type { Organization } from './organization';
import { uuidPrimaryKey } from './columns';

/** Table `users` (migration 20250301090100-createUsers). */
export class User extends Model<InferAttributes<User>, InferCreationAttributes<User>> {
  declare id: CreationOptional<string>;
  declare email: string;
  declare name: string;
  declare passwordHash: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  declare memberships?: NonAttribute<Membership[]>;
  declare organizations?: NonAttribute<Organization[]>;

  static initModel(sequelize: Sequelize): typeof User {
    User.init(
      {
        id: uuidPrimaryKey(),
        email: {
          type: DataTypes.STRING(320),
          allowNull: false,
          unique: true,
          validate: { isEmail: true },
        },
        name: {
          type: DataTypes.STRING(200),
          allowNull: false,
        },
        passwordHash: {
          type: DataTypes.STRING(255),
          allowNull: true,
        },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'users', modelName: 'User', timestamps: true, underscored: true },
    );
    return User;
  }
}
